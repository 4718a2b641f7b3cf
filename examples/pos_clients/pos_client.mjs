// A POS talking to the local vehreg bridge (Node.js 18+, no dependencies): the whole sale.
//
//   VEHREG_BRIDGE_TOKEN=$(vehreg pos token) node pos_client.mjs sale.json photos/
//
// 1. Queues the sale (POST /sales, with the POS's own order id as Idempotency-Key, so a
//    retry after a timeout never makes a second sale) and follows it to its plate.
// 2. Sends the photos the review needs as multipart uploads (POST /sales/{id}/photos,
//    kind + file): photos/<kind>.jpg for every kind the bureau lists as required before the
//    plate is fitted (GET /photo-requirements: its list, never one of our own). Prints the label.
// 3. Once the plate is on the bike, sends the after_plate_fitted kinds (plate_fitted) the same way.
// 4. Follows the review: approved | returned | rejected. A returned review names the photo
//    kinds to retake (review.reasons[].photo_kind, reason in message_zh): the POS retakes
//    them and uploads them the same way; the last one restarts the review by itself.
//    (Here the retake is the same file again; a real till asks the clerk for a new photo.)
import { readFile } from "node:fs/promises";
import { join } from "node:path";

const BASE = process.env.VEHREG_BRIDGE_URL ?? "http://127.0.0.1:8790";
const TOKEN = process.env.VEHREG_BRIDGE_TOKEN;
const REVIEWED = new Set(["approved", "returned", "rejected", "cancelled"]);

async function call(method, path, body, extraHeaders = {}) {
  const isForm = body instanceof FormData;
  const res = await fetch(BASE + path, {
    method,
    headers: {
      Authorization: `Bearer ${TOKEN}`,
      ...(isForm || body === undefined ? {} : { "Content-Type": "application/json" }),
      ...extraHeaders,
    },
    body: body === undefined ? undefined : isForm ? body : JSON.stringify(body),
  });
  const data = await res.json();
  if (!res.ok) {
    // problem+json: detail / detail_zh, and errors[] with message / message_zh per field
    const fields = (data.errors ?? []).map((e) => `  ${e.field}: ${e.message_zh} (${e.message})`);
    throw new Error([`${res.status} ${data.code}: ${data.detail_zh} / ${data.detail}`, ...fields].join("\n"));
  }
  return data;
}

async function sendPhoto(localId, kind, folder) {
  const form = new FormData();
  form.append("kind", kind);
  const bytes = await readFile(join(folder, `${kind}.jpg`));
  form.append("file", new Blob([bytes], { type: "image/jpeg" }), `${kind}.jpg`);
  return call("POST", `/sales/${localId}/photos`, form);
}

async function follow(localId, done, seconds = 60) {
  const deadline = Date.now() + seconds * 1000;
  let item = await call("GET", `/sales/${localId}`);
  while (!done(item) && Date.now() < deadline) {
    if (item.waiting_for_network) console.log("bureau unreachable, the sale is safe in the queue / 网络不可用，已排队");
    await new Promise((r) => setTimeout(r, 500));
    item = await call("GET", `/sales/${localId}`);
  }
  return item;
}

const sale = JSON.parse(await readFile(process.argv[2], "utf8"));
const photos = process.argv[3] ?? ".";
const orderId = sale.pos_reference ?? `order-${Date.now()}`;
let item = await call("POST", "/sales", sale, { "Idempotency-Key": orderId });
console.log(`queued ${item.local_id}: ${item.status_text.zh}`);
const localId = item.local_id;

item = await follow(localId, (i) => i.plate_number || ["rejected", "needs_attention"].includes(i.status));
console.log(JSON.stringify({ local_id: localId, status: item.status, plate_number: item.plate_number }));
if (!item.plate_number) process.exit(1);
const { data: requirements } = await call("GET", "/photo-requirements?registration_kind=ebike");
// Conditional rows (an agent, a company owner) are the POS's to decide: this sale is in person.
const kindsAt = (stage) => requirements
  .filter((r) => r.stage === stage && r.required && (!r.condition || r.condition === "person_owner"))
  .map((r) => r.photo_kind);
for (const kind of kindsAt("at_submit")) await sendPhoto(localId, kind, photos);
const printed = await call("POST", `/sales/${localId}/print`, {});
console.log(printed.printed ? `label sent to ${printed.printer}` : `print ${BASE}${printed.label_url}`);

// ... the plate is fitted, then:
for (const kind of kindsAt("after_plate_fitted")) await sendPhoto(localId, kind, photos);
for (let round = 0; round < 3; round++) {
  item = await follow(localId, (i) => REVIEWED.has(i.status));
  if (item.status !== "returned") break;
  for (const reason of item.review.reasons) console.log(`退回：${reason.photo_kind} ${reason.message_zh}`);
  for (const kind of item.retake_kinds) await sendPhoto(localId, kind, photos);
  item = await follow(localId, (i) => i.status !== "returned"); // the retakes reach the bureau
}
if (item.plate_must_be_returned) console.log("复核未通过，号牌已作废，请向顾客收回号牌。");
console.log(JSON.stringify({ local_id: localId, status: item.status, plate_number: item.plate_number }));
