// The clerk page: scan, fill in with live bilingual validation, submit, follow the status, print.
// Same-origin only: every state-changing call carries the session's CSRF token.
"use strict";

const I18N = {
  zh: {
    title: "带牌销售登记", store: "门店", net_unknown: "网络状态未知", net_online: "车管所在线",
    net_offline: "车管所离线",
    offline_banner: "车管所网络不可用：销售会保存在本机离线队列，联网后自动提交，无需重复录入。",
    step_scan: "1. 扫描合格证二维码", scan_placeholder: "扫描合格证二维码，或输入15位整车编码后按回车",
    step_vehicle: "2. 车辆信息", vehicle_code: "整车编码", motor_code: "电机编码", product_model: "产品型号",
    color: "车身颜色", battery_chemistry: "蓄电池类型", lithium: "锂离子电池", lead_acid: "铅酸电池",
    other_battery: "其他", battery_voltage_v: "电池电压 (V)", battery_capacity_ah: "电池容量 (Ah)",
    step_owner: "3. 购车人信息", owner_hint: "可用身份证阅读器在上方扫描框读卡，自动填写。",
    owner_name: "姓名", id_type: "证件类型", id_A: "居民身份证", id_N: "统一社会信用代码", id_K: "居住证",
    id_number: "证件号码", mobile: "手机号码", address: "住址", use: "用途", use_self: "自用",
    use_courier: "快递", use_food: "外卖", use_other: "其他", step_sale: "4. 销售信息",
    invoice_number: "发票号码", invoice_date: "开票日期", price: "售价（元）", clerk_id: "经办人编号",
    submit: "提交登记", new_sale: "新的销售", result: "登记结果", plate: "号牌", print: "打印标签",
    reprint: "重新打印", retry: "原样重新提交", recent: "最近销售", time: "时间", status: "状态",
    amend: "更正并重新提交", fix: "更正", submit_amend: "提交更正", cancel_amend: "取消更正",
    amend_title: "更正被退回的销售", amend_hint: "车管所退回了这笔销售。请按下列原因更正信息，然后点击“提交更正”（更正后会重新提交，不会重复登记）。",
    amended: "更正已保存，正在重新提交车管所…",
    queue: "待提交 {n} 笔", scan_code: "已识别整车编码 {code}", scan_id: "已读取身份证信息",
    scan_no_cert: "无法查询合格证（可能离线），请按纸质合格证填写车辆信息。",
    scan_cert: "合格证：{brand} {model}，{maker}，{standard}，CCC {ccc}",
    fix_errors: "请先更正标红的信息。", submitting: "正在提交…",
    queued_offline: "网络不可用：销售已保存在离线队列，联网后自动提交，无需重复录入。",
    queued: "销售已保存，正在提交车管所…", printed: "标签已发送到打印机 {printer}",
    browser_print: "未配置标签打印机，已打开浏览器打印。", request_failed: "请求失败：{msg}",
    ccc_valid: "有效", ccc_suspended: "暂停", ccc_revoked: "撤销", ccc_cancelled: "注销", ccc_expired: "过期",
  },
  en: {
    title: "Plate-with-sale registration", store: "Store", net_unknown: "Network unknown",
    net_online: "Bureau online", net_offline: "Bureau offline",
    offline_banner: "The bureau is unreachable: sales are kept in this till's offline queue and sent automatically when the network is back. Do not enter them again.",
    step_scan: "1. Scan the certificate QR", scan_placeholder: "Scan the certificate QR, or type the 15-digit vehicle code and press Enter",
    step_vehicle: "2. Vehicle", vehicle_code: "Vehicle code", motor_code: "Motor code", product_model: "Product model",
    color: "Colour", battery_chemistry: "Battery", lithium: "Lithium-ion", lead_acid: "Lead-acid",
    other_battery: "Other", battery_voltage_v: "Battery voltage (V)", battery_capacity_ah: "Battery capacity (Ah)",
    step_owner: "3. Owner", owner_hint: "An ID card reader can type into the scan box above to fill these in.",
    owner_name: "Name", id_type: "ID document", id_A: "Resident ID card", id_N: "Unified social credit code",
    id_K: "Residence permit", id_number: "ID number", mobile: "Mobile", address: "Address", use: "Use",
    use_self: "Own use", use_courier: "Courier", use_food: "Food delivery", use_other: "Other",
    step_sale: "4. Sale", invoice_number: "Invoice number", invoice_date: "Invoice date",
    price: "Price (yuan)", clerk_id: "Clerk id", submit: "Register", new_sale: "New sale",
    result: "Registration", plate: "Plate", print: "Print label", reprint: "Reprint", retry: "Send again unchanged",
    amend: "Correct and resubmit", fix: "Fix", submit_amend: "Submit correction", cancel_amend: "Cancel correction",
    amend_title: "Correct a returned sale", amend_hint: "The bureau returned this sale. Correct it as listed below, then press “Submit correction” (it is sent again; it cannot be registered twice).",
    amended: "Correction saved; sending it to the bureau again…",
    recent: "Recent sales", time: "Time", status: "Status", queue: "{n} waiting",
    scan_code: "Vehicle code {code} recognised", scan_id: "ID card read",
    scan_no_cert: "The certificate could not be looked up (offline?): fill in the vehicle from the paper certificate.",
    scan_cert: "Certificate: {brand} {model}, {maker}, {standard}, CCC {ccc}",
    fix_errors: "Correct the fields marked in red first.", submitting: "Submitting…",
    queued_offline: "The network is down: the sale is saved in the offline queue and will be sent automatically. Do not enter it again.",
    queued: "Sale saved; sending it to the bureau…", printed: "Label sent to printer {printer}",
    browser_print: "No label printer configured: the browser's print dialog was opened.",
    request_failed: "Request failed: {msg}",
    ccc_valid: "valid", ccc_suspended: "suspended", ccc_revoked: "revoked", ccc_cancelled: "cancelled",
    ccc_expired: "expired",
  },
};

const state = { lang: localStorage.getItem("vehreg.lang") || "zh", touched: new Set(), submitted: false,
  current: null, poll: null, printedOnce: false, violations: [], lastStatus: null,
  amending: null, returned: [] };
const $ = (id) => document.getElementById(id);
const form = () => $("sale");
const csrf = document.querySelector('meta[name="csrf-token"]').content;

function t(key, vars) {
  let text = (I18N[state.lang] || I18N.zh)[key] || I18N.zh[key] || key;
  for (const [k, v] of Object.entries(vars || {})) text = text.replace(`{${k}}`, v);
  return text;
}
const msgOf = (v) => (state.lang === "zh" ? v.message_zh || v.message : v.message || v.message_zh);
const detailOf = (p) => (state.lang === "zh" ? p.detail_zh || p.detail : p.detail || p.detail_zh);

async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (method !== "GET") { headers["X-CSRF-Token"] = csrf; headers["Content-Type"] = "application/json"; }
  const res = await fetch(path, { method, headers, credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 401) { location.reload(); throw new Error("unauthorized"); }
  const data = await res.json().catch(() => ({}));
  return { ok: res.ok, status: res.status, data };
}

function applyLang() {
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  document.querySelectorAll("[data-i18n]").forEach((el) => { el.textContent = t(el.dataset.i18n); });
  document.querySelectorAll("[data-i18n-placeholder]").forEach((el) => { el.placeholder = t(el.dataset.i18nPlaceholder); });
  $("lang").textContent = state.lang === "zh" ? "English" : "中文";
  $("lang").lang = state.lang === "zh" ? "en" : "zh-CN";
  renderViolations();
  list($("amend-errors"), state.returned);
  if (state.current) renderResult(state.current);
  refreshStatus();
  refreshRecent();
}

// Not form().reset(): the form's button id="reset" shadows the method of that name.
function resetForm() { HTMLFormElement.prototype.reset.call(form()); }
function field(name) { return form().elements.namedItem(name); }
function setValue(name, value) { const el = field(name); if (el && value !== undefined && value !== null) el.value = value; }
function shanghaiToday() { return new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10); }

function priceFen(text) {
  const s = (text || "").trim();
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return s;  // the server explains what is wrong with it
  return parseInt(m[1], 10) * 100 + parseInt((m[2] || "0").padEnd(2, "0"), 10);
}
function num(text) { const s = (text || "").trim(); return s !== "" && !isNaN(Number(s)) ? Number(s) : s; }

function draft() {
  const v = (n) => (field(n).value || "").trim();
  return {
    store_id: $("store").value,
    vehicle: { vehicle_code: v("vehicle.vehicle_code"), motor_code: v("vehicle.motor_code"),
      product_model: v("vehicle.product_model"), color: v("vehicle.color"),
      battery_chemistry: v("vehicle.battery_chemistry"), battery_voltage_v: num(v("vehicle.battery_voltage_v")),
      battery_capacity_ah: num(v("vehicle.battery_capacity_ah")) },
    owner: { name: v("owner.name"), id_type: v("owner.id_type"), id_number: v("owner.id_number"),
      mobile: v("owner.mobile"), address: v("owner.address"), use: v("owner.use") },
    sale: { invoice_number: v("sale.invoice_number"), invoice_date: v("sale.invoice_date"),
      price_fen: priceFen(v("price_yuan")), clerk_id: v("sale.clerk_id") },
  };
}

let validateTimer = null;
function scheduleValidate() { clearTimeout(validateTimer); validateTimer = setTimeout(validate, 250); }
async function validate() {
  const { data } = await api("POST", "/validate", draft());
  state.violations = data.violations || [];
  renderViolations();
  return data;
}

function renderViolations() {
  const claimed = new Set();
  document.querySelectorAll(".field").forEach((div) => {
    const name = div.dataset.field;
    const mine = state.violations.filter((v) => v.field === name || v.field.startsWith(name + "."));
    mine.forEach((v) => claimed.add(v));
    const show = state.submitted || state.touched.has(name);
    const errors = mine.filter((v) => v.severity !== "warning");
    const shown = show ? (errors.length ? errors : mine) : [];
    div.classList.toggle("invalid", show && errors.length > 0);
    div.querySelector(".err").textContent = shown.map(msgOf).join("；");
  });
  const rest = state.violations.filter((v) => !claimed.has(v));
  const vehicleRest = rest.filter((v) => /^(vehicle|certificate)/.test(v.field) || v.severity === "warning");
  list($("vehicle-violations"), state.touched.has("vehicle.vehicle_code") || state.submitted ? vehicleRest : []);
  list($("form-errors"), state.submitted ? rest.filter((v) => !vehicleRest.includes(v)) : []);
}

function list(ul, items) {
  ul.replaceChildren(...items.map((v) => {
    const li = document.createElement("li");
    li.className = v.severity === "warning" ? "warning" : "error";
    li.textContent = (v.field ? v.field + "：" : "") + msgOf(v);
    return li;
  }));
}

async function onScan(event) {
  if (event.key !== "Enter") return;
  event.preventDefault();
  const text = $("scan").value;
  $("scan").value = "";
  const msg = $("scan-msg");
  const { ok, data } = await api("POST", "/scan", { text });
  if (!ok) { msg.className = "msg bad"; msg.textContent = detailOf(data); return; }
  msg.className = "msg ok";
  if (data.kind === "vehicle_code") {
    setValue("vehicle.vehicle_code", data.value);
    state.touched.add("vehicle.vehicle_code");
    const cert = data.certificate;
    const box = $("cert");
    if (cert) {
      setValue("vehicle.motor_code", cert.motor_code); setValue("vehicle.product_model", cert.product_model);
      setValue("vehicle.color", cert.color);
      if (cert.model) {
        setValue("vehicle.battery_chemistry", cert.model.battery_chemistry);
        setValue("vehicle.battery_voltage_v", cert.model.battery_voltage_v);
        setValue("vehicle.battery_capacity_ah", cert.model.battery_capacity_ah);
      }
      box.hidden = false;
      const ccc = cert.model && cert.model.ccc
        ? `${cert.model.ccc.number || ""} ${t("ccc_" + cert.model.ccc.state) || cert.model.ccc.state || ""}` : "";
      box.textContent = t("scan_cert", { brand: cert.brand, model: cert.product_model, maker: cert.maker,
        standard: (cert.model && cert.model.standard) || "", ccc });
      msg.textContent = t("scan_code", { code: data.value });
    } else {
      box.hidden = true;
      msg.className = "msg bad";
      msg.textContent = t("scan_code", { code: data.value }) + " " + t("scan_no_cert");
    }
  } else if (data.kind === "id_card") {
    const f = data.fields || {};
    setValue("owner.id_type", f.id_type || "A"); setValue("owner.id_number", f.id_number);
    setValue("owner.name", f.name); setValue("owner.address", f.address);
    ["owner.id_number", "owner.name"].forEach((n) => state.touched.add(n));
    msg.textContent = t("scan_id");
  }
  validate();
}

async function onSubmit(event) {
  event.preventDefault();
  state.submitted = true;
  const check = await validate();
  const errors = (check.violations || []).filter((v) => v.severity !== "warning");
  if (errors.length) {
    $("scan-msg").className = "msg bad"; $("scan-msg").textContent = t("fix_errors");
    const first = document.querySelector(".field.invalid input, .field.invalid select");
    if (first) first.focus();
    return;
  }
  $("submit").disabled = true;
  const amending = state.amending;
  const { ok, data } = amending
    ? await api("PUT", `/sales/${amending}`, draft())  // a new key revision: no replayed refusal
    : await api("POST", "/sales", draft());
  $("submit").disabled = false;
  if (!ok) {
    state.violations = data.errors || [];
    renderViolations();
    $("scan-msg").className = "msg bad"; $("scan-msg").textContent = detailOf(data);
    return;
  }
  endAmend();
  showResult(data);
  if (amending) { $("result-note").className = "msg ok"; $("result-note").textContent = t("amended"); }
}

// A sale the bureau returned (needs_attention): load it into the form, show why, submit a correction.
async function startAmend(localId) {
  const { ok, data } = await api("GET", `/sales/${localId}/draft`);
  if (!ok) { $("scan-msg").className = "msg bad"; $("scan-msg").textContent = detailOf(data); return; }
  clearInterval(state.poll);
  resetForm();
  fillForm(data.sale);
  form().querySelectorAll("input, select, button").forEach((el) => { el.disabled = false; });
  state.current = null; state.amending = localId; state.submitted = true;
  state.returned = data.view.errors || [];
  state.violations = state.returned.slice();  // the bureau's reasons, under their fields
  renderViolations();
  list($("amend-errors"), state.returned);
  $("amend").hidden = false; $("result").hidden = true; $("cert").hidden = true;
  $("submit").dataset.i18n = "submit_amend"; $("submit").textContent = t("submit_amend");
  $("scan-msg").textContent = "";
  const first = document.querySelector(".field.invalid input, .field.invalid select") || field("owner.name");
  first.focus();
}

function endAmend() {
  state.amending = null; state.returned = [];
  $("amend").hidden = true; list($("amend-errors"), []);
  $("submit").dataset.i18n = "submit"; $("submit").textContent = t("submit");
}

function fillForm(sale) {
  if (sale.store_id) {
    const select = $("store");
    if (![...select.options].some((o) => o.value === sale.store_id)) select.add(new Option(sale.store_id, sale.store_id));
    select.value = sale.store_id;
  }
  for (const part of ["vehicle", "owner", "sale"]) {
    for (const [key, value] of Object.entries(sale[part] || {})) setValue(`${part}.${key}`, value);
  }
  const fen = (sale.sale || {}).price_fen;
  if (typeof fen === "number") setValue("price_yuan", (fen / 100).toFixed(2));
}

function showResult(sale) {
  state.current = sale; state.printedOnce = false;
  form().querySelectorAll("input, select, button").forEach((el) => { el.disabled = true; });
  $("result").hidden = false;
  renderResult(sale);
  clearInterval(state.poll);
  state.poll = setInterval(pollSale, 1000);
}

async function pollSale() {
  if (!state.current) return;
  const { ok, data } = await api("GET", `/sales/${state.current.local_id}`);
  if (!ok) return;
  state.current = data;
  renderResult(data);
  if (["plate_assigned", "rejected", "needs_attention"].includes(data.status)) clearInterval(state.poll);
}

function renderResult(sale) {
  const chip = $("result-status");
  chip.className = `chip ${sale.status}`;
  chip.textContent = sale.status_text ? sale.status_text[state.lang] : sale.status;
  $("result-plate").textContent = sale.plate_number || "—";
  const note = $("result-note");
  note.className = "msg";
  note.textContent = sale.status === "queued" ? (sale.waiting_for_network ? t("queued_offline") : t("queued")) : "";
  if (sale.waiting_for_network) note.className = "msg bad";
  list($("result-errors"), sale.status === "plate_assigned" ? [] : sale.errors || []);
  const img = $("label");
  if (sale.label_url && img.dataset.src !== sale.label_url) {
    img.dataset.src = sale.label_url; img.src = sale.label_url; img.hidden = false;
    img.alt = `${t("plate")} ${sale.plate_number}`;
  }
  $("print").hidden = !sale.plate_number;
  $("print").textContent = state.printedOnce ? t("reprint") : t("print");
  $("retry").hidden = sale.status !== "needs_attention";
  $("amend-start").hidden = sale.status !== "needs_attention";
}

async function onPrint() {
  const { ok, data } = await api("POST", `/sales/${state.current.local_id}/print`, {});
  const note = $("result-note");
  if (!ok) { note.className = "msg bad"; note.textContent = detailOf(data); return; }
  state.printedOnce = true;
  $("print").textContent = t("reprint");
  note.className = "msg ok";
  if (data.printed) note.textContent = t("printed", { printer: data.printer });
  else { note.textContent = t("browser_print"); window.print(); }
}

async function onAmend() { if (state.current) await startAmend(state.current.local_id); }

async function onRetry() {
  const { ok, data } = await api("POST", `/sales/${state.current.local_id}/retry`, {});
  if (ok) showResult(data);
}

function newSale() {
  clearInterval(state.poll);
  endAmend();
  state.current = null; state.submitted = false; state.touched.clear(); state.violations = [];
  resetForm();
  form().querySelectorAll("input, select, button").forEach((el) => { el.disabled = false; });
  field("sale.invoice_date").value = shanghaiToday();
  $("result").hidden = true; $("label").hidden = true; $("label").removeAttribute("src"); delete $("label").dataset.src;
  $("cert").hidden = true; $("scan-msg").textContent = "";
  renderViolations();
  $("scan").focus();
}

async function refreshStatus() {
  const { ok, data } = await api("GET", "/status");
  if (!ok) return;
  const net = $("net");
  const key = data.online === true ? "net_online" : data.online === false ? "net_offline" : "net_unknown";
  net.className = `net ${data.online === true ? "online" : data.online === false ? "offline" : "unknown"}`;
  net.dataset.i18n = key; net.textContent = t(key);
  $("offline-banner").hidden = data.online !== false;
  const waiting = (data.counts.queued || 0) + (data.counts.submitting || 0);
  $("queue").textContent = waiting ? t("queue", { n: waiting }) : "";
}

async function refreshRecent() {
  const { ok, data } = await api("GET", "/sales?limit=15");
  if (!ok) return;
  $("recent").tBodies[0].replaceChildren(...data.data.map((s) => {
    const tr = document.createElement("tr");
    const cells = [s.created_at.slice(11, 16), s.vehicle_code, s.owner_name,
      s.status_text ? s.status_text[state.lang].split("：")[0].split(":")[0] : s.status, s.plate_number || ""];
    cells.forEach((c) => { const td = document.createElement("td"); td.textContent = c; tr.appendChild(td); });
    const action = document.createElement("td");
    if (s.status === "needs_attention") {
      const fix = document.createElement("button");
      fix.type = "button"; fix.className = "secondary small fix"; fix.textContent = t("fix");
      fix.addEventListener("click", () => startAmend(s.local_id));
      action.appendChild(fix);
    }
    tr.appendChild(action);
    tr.className = s.status;
    return tr;
  }));
}

async function loadStores() {
  const select = $("store");
  const preset = document.querySelector('meta[name="default-store"]').content || localStorage.getItem("vehreg.store");
  const { ok, data } = await api("GET", "/stores");
  const stores = ok ? data.data : [];
  if (!stores.length && preset) stores.push({ id: preset, name: preset });
  select.replaceChildren(...stores.map((s) => new Option(`${s.name} (${s.id})`, s.id)));
  if (preset && stores.some((s) => s.id === preset)) select.value = preset;
  select.addEventListener("change", () => localStorage.setItem("vehreg.store", select.value));
}

document.addEventListener("DOMContentLoaded", () => {
  field("sale.invoice_date").value = shanghaiToday();
  $("scan").addEventListener("keydown", onScan);
  form().addEventListener("submit", onSubmit);
  form().addEventListener("input", (e) => {
    if (!e.target.name || e.target.name === "scan") return;
    state.touched.add(e.target.name === "price_yuan" ? "sale.price_fen" : e.target.name);
    scheduleValidate();
  });
  form().addEventListener("change", (e) => { if (e.target.name && e.target.name !== "scan") scheduleValidate(); });
  $("print").addEventListener("click", onPrint);
  $("retry").addEventListener("click", onRetry);
  $("amend-start").addEventListener("click", onAmend);
  $("amend-cancel").addEventListener("click", newSale);
  $("next").addEventListener("click", newSale);
  $("reset").addEventListener("click", newSale);
  $("lang").addEventListener("click", () => {
    state.lang = state.lang === "zh" ? "en" : "zh";
    localStorage.setItem("vehreg.lang", state.lang);
    applyLang();
  });
  loadStores();
  applyLang();
  refreshRecent();
  setInterval(refreshStatus, 3000);
  setInterval(refreshRecent, 3000);
});
