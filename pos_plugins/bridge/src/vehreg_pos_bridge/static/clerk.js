// The clerk page: scan, fill in with live bilingual validation, the photos (photos.js), submit,
// follow the status, print, the plate-fitted photo; the review's answers land in 待处理 (todo.js).
// Same-origin only: every state-changing call carries the session's CSRF token.
"use strict";

const state = { lang: localStorage.getItem("vehreg.lang") || "zh", touched: new Set(), submitted: false,
  current: null, poll: null, printedOnce: false, violations: [], lastStatus: null,
  amending: null, returned: [], restart: null, fittedSent: null };
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
  renderPhotoStep();
  refreshTodo();
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
  const photosOk = state.amending ? true : checkPhotos();  // a correction keeps the queued photos
  if (errors.length || !photosOk) {
    $("scan-msg").className = "msg bad";
    $("scan-msg").textContent = errors.length ? t("fix_errors") : $("photos-msg").textContent;
    const first = document.querySelector(".field.invalid input, .field.invalid select")
      || document.querySelector("#photo-slots .photo-slot.missing input");
    if (first) { first.focus(); first.closest(".field, .photo-slot").scrollIntoView({ block: "center" }); }
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
  else await sendSalePhotos(data.local_id);  // queued with the sale, offline too
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
  state.current = sale; state.printedOnce = false; state.fittedSent = null;
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
  if (["approved", "rejected", "cancelled", "needs_attention"].includes(data.status)) clearInterval(state.poll);
  if (data.status === "cancelled" && state.restart === data.local_id) sellAgain();
}

// The status's plain words for the clerk after the plate: the review, the fitted photo, 退货.
function reviewNote(sale) {
  if (sale.status === "cancelled") return ["msg", t("cancelled_done", { reason: sale.cancellation_reason || "" })];
  if (sale.status === "approved") return ["msg ok", t("approved_note")];
  if (sale.status === "returned") return ["msg bad", t("returned_note")];
  if (sale.plate_must_be_returned) return ["msg bad", t("take_back_text", { plate: sale.plate_number })];
  if (state.restart === sale.local_id) return ["msg bad", t("restart_wait")];
  if (stored(CANCEL_ASKED)[sale.local_id]) return ["msg", t("cancel_requested", { reason: stored(CANCEL_ASKED)[sale.local_id] })];
  if (sale.status === "awaiting_review") return ["msg ok", t("awaiting_note")];
  if (state.fittedSent === sale.local_id) return ["msg ok", t("fitted_done")];
  return null;
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
  const review = reviewNote(sale);
  if (review) { note.className = review[0]; note.textContent = review[1]; }
  list($("result-errors"), sale.plate_number ? [] : sale.errors || []);
  renderFitted(sale);
  const open = !["approved", "rejected", "cancelled"].includes(sale.status) && !stored(CANCEL_ASKED)[sale.local_id];
  $("cancel-current").hidden = !open;
  $("wrong-field").hidden = !(open && sale.plate_number);
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

function newSale(keepForm) {
  clearInterval(state.poll);
  endAmend();
  state.current = null; state.submitted = false; state.touched.clear(); state.violations = [];
  if (keepForm !== true) resetForm();
  resetPhotos();
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
    if (cancellable(s)) action.appendChild(cancelButton(s, "", "cancel_short"));
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
  $("amend-cancel").addEventListener("click", () => newSale());
  $("next").addEventListener("click", () => newSale());
  $("reset").addEventListener("click", () => newSale());
  $("cancel-current").addEventListener("click", () => openCancel(state.current.local_id, ""));
  $("wrong-field").addEventListener("click", () => openCancel(state.current.local_id, t("wrong_field_reason"), true));
  $("lang").addEventListener("click", () => {
    state.lang = state.lang === "zh" ? "en" : "zh";
    localStorage.setItem("vehreg.lang", state.lang);
    applyLang();
  });
  loadStores();
  initPhotos();
  initTodo();
  applyLang();
  refreshRecent();
  setInterval(refreshStatus, 3000);
  setInterval(refreshRecent, 3000);
});
