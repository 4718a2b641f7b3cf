// 待处理 (to do): the bureau's review answers, which come minutes or hours after the customer
// left, kept apart from the outbox's needs_attention (a sale refused before any plate).
// returned → retake exactly the named photos (the last one restarts the review by itself);
// a wrong field → cancel and sell again; rejected after fitting → take the plate back.
// Also 退货 (cancel the registration, with its reason), once.
"use strict";

const todo = { entries: new Map(), open: false };
const TAKEN_BACK = "vehreg.takenBack";
const CANCEL_ASKED = "vehreg.cancelAsked";
const stored = (key) => JSON.parse(localStorage.getItem(key) || "{}");
const remember = (key, id, value) => { const all = stored(key); all[id] = value; localStorage.setItem(key, JSON.stringify(all)); };
const FINAL = ["approved", "rejected", "cancelled"];
const cancellable = (s) => !FINAL.includes(s.status) && !stored(CANCEL_ASKED)[s.local_id];

// What the clerk has to do about a sale, or null.
function todoKind(s) {
  if (s.status === "returned") return "returned";
  if (s.status === "rejected" && s.plate_must_be_returned && !stored(TAKEN_BACK)[s.local_id]) return "take_back";
  if (s.status === "plate_assigned" && !(s.photos || []).some((p) => fittedKinds().includes(p.kind))
      && photos.reqs && !(state.current && state.current.local_id === s.local_id)) return "fitted";
  if (s.status === "needs_attention") return "attention";
  return null;
}

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function saleLine(s) {
  const line = el("div", "todo-sale");
  line.append(el("strong", "", s.plate_number || s.vehicle_code), ` ${s.owner_name} · ${s.vehicle_code} `);
  const chip = el("span", `chip ${s.status}`, s.status_text ? s.status_text[state.lang] : s.status);
  line.append(chip);
  return line;
}

function cancelButton(s, reasonKey, labelKey) {
  const label = labelKey || (reasonKey === "wrong_field_reason" ? "wrong_field" : "cancel_sale");
  const button = el("button", "secondary small danger cancel-sale", t(label));
  button.type = "button";
  button.hidden = !cancellable(s);
  button.addEventListener("click", () => openCancel(s.local_id, reasonKey ? t(reasonKey) : ""));
  return button;
}

function retakeEntry(s, item) {
  const reasons = (s.review || {}).reasons || [];
  const ul = el("ul", "reasons");
  reasons.forEach((r) => {
    const li = el("li", r.photo_kind ? "retake" : "field", (r.photo_kind ? photoLabel(r.photo_kind) + "：" : "") + (state.lang === "zh" ? r.message_zh : r.message || r.message_zh));
    ul.appendChild(li);
  });
  const chosen = new Map();
  const kinds = s.retake_kinds || [];
  const grid = el("div", "photo-grid");
  const send = el("button", "send-retakes", t("send_retakes")); send.type = "button"; send.disabled = true;
  grid.append(...kinds.map((k) => photoSlot(k, true, chosen, () => { send.disabled = missingKinds(kinds, chosen).length > 0; })));
  send.addEventListener("click", async () => {
    send.disabled = true;
    const { failures } = await uploadChosen(s.local_id, chosen);
    todoMessage(failures.length ? failureItems(failures).map(msgOf).join("；") : t("retakes_saved"), !failures.length);
    send.disabled = failures.length === 0;
    refreshTodo();
  });
  item.append(ul);
  if (kinds.length) item.append(grid, send);
  if (reasons.some((r) => !r.photo_kind)) item.append(el("p", "msg bad", t("todo_field")));
  item.append(cancelButton(s, reasons.some((r) => !r.photo_kind) ? "wrong_field_reason" : ""));
}

function renderEntry(s, kind) {
  const item = el("li", `todo-item ${kind}`);
  item.dataset.localId = s.local_id;
  const titles = { returned: "todo_returned", take_back: "todo_take_back", fitted: "todo_fitted", attention: "todo_attention" };
  item.append(el("div", "todo-title", t(titles[kind])), saleLine(s));
  if (kind === "returned") retakeEntry(s, item);
  if (kind === "take_back") {
    const reasons = ((s.review || {}).reasons || []).map((r) => state.lang === "zh" ? r.message_zh : r.message || r.message_zh);
    item.append(el("p", "msg bad take-back", t("take_back_text", { plate: s.plate_number })));
    if (reasons.length) item.append(el("p", "msg", reasons.join("；")));
    const done = el("button", "secondary small", t("taken_back")); done.type = "button";
    done.addEventListener("click", () => { remember(TAKEN_BACK, s.local_id, true); refreshTodo(); });
    item.append(done);
  }
  if (kind === "fitted") {
    const chosen = new Map(), kinds = fittedKinds();
    const send = el("button", "send-fitted", t("send_fitted")); send.type = "button"; send.disabled = true;
    item.append(el("div", "photo-grid"));
    item.lastChild.append(...kinds.map((k) => photoSlot(k, true, chosen, () => { send.disabled = missingKinds(kinds, chosen).length > 0; })));
    send.addEventListener("click", async () => {
      send.disabled = true;
      const { failures } = await uploadChosen(s.local_id, chosen);
      todoMessage(failures.length ? failureItems(failures).map(msgOf).join("；") : t("fitted_done"), !failures.length);
      send.disabled = failures.length === 0;
      refreshTodo();
    });
    item.append(send, cancelButton(s, "wrong_field_reason"));
  }
  if (kind === "attention") {
    const fix = el("button", "secondary small fix", t("fix")); fix.type = "button";
    fix.addEventListener("click", () => startAmend(s.local_id));
    item.append(el("ul", "violations"), fix, cancelButton(s, ""));
    list(item.querySelector(".violations"), s.errors || []);
  }
  return item;
}

// Outlives the entry it is about (an answered entry leaves the list at the next refresh).
function todoMessage(text, good) { const msg = $("todo-msg"); msg.className = good ? "msg ok" : "msg bad"; msg.textContent = text; }

async function refreshTodo() {
  const query = ["returned", "rejected", "plate_assigned", "needs_attention"].map((s) => `status=${s}`).join("&");
  const { ok, data } = await api("GET", `/sales?${query}&limit=200`);
  if (!ok) return;
  const seen = new Set();
  for (const s of data.data) {
    const kind = todoKind(s);
    if (!kind) continue;
    seen.add(s.local_id);
    // Rebuilt only when the sale changed: photos chosen for a retake survive the refresh.
    const key = `${kind}|${s.updated_at}|${(s.retake_kinds || []).join()}|${state.lang}`;
    const known = todo.entries.get(s.local_id);
    if (!known || known.key !== key) todo.entries.set(s.local_id, { key, kind, node: renderEntry(s, kind) });
  }
  for (const id of [...todo.entries.keys()]) if (!seen.has(id)) todo.entries.delete(id);
  const review = [...todo.entries.values()].filter((e) => e.kind !== "attention");
  const attention = [...todo.entries.values()].filter((e) => e.kind === "attention");
  $("todo-review").replaceChildren(...review.map((e) => e.node));
  $("todo-attention").replaceChildren(...attention.map((e) => e.node));
  $("todo-review-title").hidden = !review.length;
  $("todo-attention-title").hidden = !attention.length;
  $("todo-empty").hidden = todo.entries.size > 0;
  const badge = $("todo-badge");
  badge.textContent = String(todo.entries.size);
  badge.hidden = todo.entries.size === 0;
}

function toggleTodo() {
  todo.open = !todo.open;
  $("todo").hidden = !todo.open;
  $("todo-toggle").setAttribute("aria-expanded", String(todo.open));
  if (todo.open) refreshTodo();
}

// 退货: one reason, asked once; the bridge and the outbox send the cancellation exactly once.
function openCancel(localId, reason, restart) {
  const dialog = $("cancel-dialog");
  dialog.dataset.localId = localId;
  dialog.dataset.restart = restart ? "1" : "";
  $("cancel-reason").value = reason || "";
  $("cancel-msg").textContent = "";
  $("cancel-confirm").disabled = false;
  dialog.showModal();
  $("cancel-reason").focus();
}

async function onConfirmCancel() {
  const dialog = $("cancel-dialog"), localId = dialog.dataset.localId;
  const reason = $("cancel-reason").value.trim();
  const msg = $("cancel-msg");
  if (!reason) { msg.className = "msg bad"; msg.textContent = t("cancel_need_reason"); return; }
  $("cancel-confirm").disabled = true;
  const { ok, data } = await api("POST", `/sales/${encodeURIComponent(localId)}/cancel`, { reason });
  if (!ok) {
    const errors = data.errors || [];
    msg.className = "msg bad"; msg.textContent = errors.length ? errors.map(msgOf).join("；") : detailOf(data);
    $("cancel-confirm").disabled = false;
    return;
  }
  remember(CANCEL_ASKED, localId, reason);
  dialog.close();
  onCancelled(localId, reason, data, dialog.dataset.restart === "1");
  refreshTodo(); refreshRecent();
}

// The bridge took a cancellation (退货) of ``localId``: follow it on the result panel.
function onCancelled(localId, reason, sale, restart) {
  if (restart) state.restart = localId;
  if (!state.current || state.current.local_id !== localId) return;
  state.current = sale;
  renderResult(sale);
  clearInterval(state.poll);
  state.poll = setInterval(pollSale, 1000);
  if (sale.status === "cancelled" && state.restart === localId) sellAgain();
}

// A wrong field after the plate: the registration was cancelled; the same sale, corrected, is a new one.
function sellAgain() {
  const keep = photos.lastSent;
  state.restart = null;
  newSale(true);
  if (keep) { photos.chosen = new Map(keep); renderPhotoStep(); }
  $("scan-msg").className = "msg ok"; $("scan-msg").textContent = t("restart_ready");
}

function initTodo() {
  $("todo-toggle").addEventListener("click", toggleTodo);
  $("cancel-confirm").addEventListener("click", onConfirmCancel);
  $("cancel-back").addEventListener("click", () => $("cancel-dialog").close());
  refreshTodo();
  setInterval(refreshTodo, 3000);
}
