// A POS talking to the local vehreg bridge (Node.js 18+, no dependencies).
//
//   VEHREG_BRIDGE_TOKEN=$(vehreg pos token) node pos_client.mjs sale.json
//
// Queues the sale (POST /sales, with the POS's own order id as Idempotency-Key, so a
// retry after a timeout never makes a second sale), then follows it until the plate is
// assigned, and asks the bridge to print the label.
import { readFile } from "node:fs/promises";

const BASE = process.env.VEHREG_BRIDGE_URL ?? "http://127.0.0.1:8790";
const TOKEN = process.env.VEHREG_BRIDGE_TOKEN;
const FINAL = new Set(["plate_assigned", "rejected", "needs_attention"]);

async function call(method, path, body, extraHeaders = {}) {
  const res = await fetch(BASE + path, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json", ...extraHeaders },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json();
  if (!res.ok) {
    // problem+json: detail / detail_zh, and errors[] with message / message_zh per field
    const fields = (data.errors ?? []).map((e) => `  ${e.field}: ${e.message_zh} (${e.message})`);
    throw new Error([`${res.status} ${data.code}: ${data.detail_zh} / ${data.detail}`, ...fields].join("\n"));
  }
  return data;
}

const sale = JSON.parse(await readFile(process.argv[2], "utf8"));
const orderId = sale.pos_reference ?? `order-${Date.now()}`;
let item = await call("POST", "/sales", sale, { "Idempotency-Key": orderId });
console.log(`queued ${item.local_id}: ${item.status_text.zh}`);

const deadline = Date.now() + 60_000;
while (!FINAL.has(item.status) && Date.now() < deadline) {
  if (item.waiting_for_network) console.log("bureau unreachable, the sale is safe in the queue / 网络不可用，已排队");
  await new Promise((r) => setTimeout(r, 1000));
  item = await call("GET", `/sales/${item.local_id}`);
}
console.log(JSON.stringify({ local_id: item.local_id, status: item.status, plate_number: item.plate_number }));
if (item.status === "plate_assigned") {
  const printed = await call("POST", `/sales/${item.local_id}/print`, {});
  console.log(printed.printed ? `label sent to ${printed.printer}` : `print ${BASE}${printed.label_url}`);
}
