// The photos: which ones, from the bureau's GET /photo-requirements (relayed by the bridge,
// never listed here); each taken with the device camera (capture on tablets and phones, a
// webcam on a desktop) or chosen from a file, previewed, retaken at will; uploaded to the
// bridge one multipart request each, where they are queued with the sale (offline too).
"use strict";

const photos = { reqs: null, loading: null, chosen: new Map(), failed: [], lastSent: null };
const coarsePointer = () => window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
const webcamAvailable = () => !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia) && !coarsePointer();

async function loadRequirements() {
  if (photos.reqs) return photos.reqs;
  if (!photos.loading) {
    photos.loading = api("GET", "/photo-requirements?registration_kind=ebike").then(({ ok, data }) => {
      photos.loading = null;
      if (ok) photos.reqs = data.data;
      return photos.reqs;
    });
  }
  return photos.loading;
}

function photoLabel(kind) {
  const req = (photos.reqs || []).find((r) => r.photo_kind === kind);
  if (!req) return kind;
  return state.lang === "zh" ? req.label_zh : req.label_en || req.label_zh;
}

// A requirement's condition (null: always) against the owner typed in the form.
function applies(req) {
  const idType = (field("owner.id_type") || {}).value;
  if (!req.condition) return true;
  if (req.condition === "unit_owner") return idType === "N";
  if (req.condition === "person_owner") return idType !== "N";
  return false;  // "agent": this page sells to the owner in person
}
const submitReqs = () => (photos.reqs || []).filter((r) => r.stage === "at_submit" && applies(r));
const fittedKinds = () => (photos.reqs || []).filter((r) => r.stage === "after_plate_fitted").map((r) => r.photo_kind);

// One photo slot: label, preview, and the ways to take it. ``chosen`` maps kind → Blob.
function photoSlot(kind, required, chosen, onChange) {
  const slot = document.createElement("div");
  slot.className = "photo-slot"; slot.dataset.kind = kind;
  const head = document.createElement("div"); head.className = "photo-head";
  const label = document.createElement("span"); label.className = "photo-label"; label.textContent = photoLabel(kind);
  const tag = document.createElement("span"); tag.className = "tag";
  head.append(label, tag);
  const preview = document.createElement("img"); preview.className = "preview"; preview.alt = ""; preview.hidden = true;
  const actions = document.createElement("div"); actions.className = "photo-actions";
  const take = (blob) => {
    chosen.set(kind, blob);
    if (preview.src) URL.revokeObjectURL(preview.src);
    preview.src = URL.createObjectURL(blob); preview.hidden = false; preview.alt = photoLabel(kind);
    render(); if (onChange) onChange();
  };
  const fileButton = (text, capture, cls) => {
    const wrap = document.createElement("label"); wrap.className = `button secondary small ${cls}`;
    const input = document.createElement("input");
    input.type = "file"; input.accept = "image/*"; input.className = "visually-hidden"; input.dataset.kind = kind;
    if (capture) input.setAttribute("capture", "environment");
    input.addEventListener("change", () => { if (input.files && input.files[0]) take(input.files[0]); input.value = ""; });
    const span = document.createElement("span"); span.dataset.i18n = text; span.textContent = t(text);
    wrap.append(span, input);
    return wrap;
  };
  if (coarsePointer()) actions.appendChild(fileButton("take_photo", true, "take"));
  if (webcamAvailable()) {
    const cam = document.createElement("button");
    cam.type = "button"; cam.className = "secondary small webcam"; cam.dataset.i18n = "webcam"; cam.textContent = t("webcam");
    cam.addEventListener("click", () => openWebcam(take));
    actions.appendChild(cam);
  }
  actions.appendChild(fileButton("choose_file", false, "pick"));
  function render() {
    const has = chosen.has(kind);
    slot.classList.toggle("taken", has);
    slot.classList.toggle("missing", required && !has);
    tag.textContent = has ? t("photo_taken") : required ? t("photo_required") : t("photo_optional");
  }
  if (chosen.has(kind)) { preview.src = URL.createObjectURL(chosen.get(kind)); preview.hidden = false; }
  render();
  slot.append(head, preview, actions);
  return slot;
}

const missingKinds = (kinds, chosen) => kinds.filter((k) => !chosen.has(k));

async function renderPhotoStep() {
  const box = $("photo-slots"), msg = $("photos-msg");
  msg.className = "msg"; msg.textContent = t("photos_loading");
  await loadRequirements();
  if (!photos.reqs) { msg.className = "msg bad"; msg.textContent = t("photos_unknown"); box.replaceChildren(); return; }
  msg.textContent = "";
  box.replaceChildren(...submitReqs().map((r) => photoSlot(r.photo_kind, r.required, photos.chosen, () => {
    if (state.submitted && checkPhotos() && !state.current) $("scan-msg").textContent = "";
  })));
}

// Before submitting: every required photo taken (when the list is known at all).
function checkPhotos() {
  if (!photos.reqs) return true;
  const missing = missingKinds(submitReqs().filter((r) => r.required).map((r) => r.photo_kind), photos.chosen);
  const msg = $("photos-msg");
  msg.className = missing.length ? "msg bad" : "msg";
  msg.textContent = missing.length ? t("photos_missing", { kinds: missing.map(photoLabel).join("、") }) : "";
  return missing.length === 0;
}

async function uploadPhoto(localId, kind, blob) {
  const body = new FormData();
  body.append("kind", kind);
  body.append("file", blob, blob.name || `${kind}.jpg`);
  const res = await fetch(`/sales/${encodeURIComponent(localId)}/photos`, { method: "POST", body,
    credentials: "same-origin", headers: { Accept: "application/json", "X-CSRF-Token": csrf } });
  const data = await res.json().catch(() => ({}));
  return { ok: res.ok, status: res.status, data };
}

// Upload every chosen photo; the ones that failed stay chosen (and listed) for another try.
async function uploadChosen(localId, chosen) {
  const failures = [];
  let saved = 0, last = null;
  for (const [kind, blob] of [...chosen]) {
    let answer;
    try { answer = await uploadPhoto(localId, kind, blob); } catch (err) { answer = { ok: false, data: { detail: String(err), detail_zh: String(err) } }; }
    if (answer.ok) { chosen.delete(kind); saved += 1; last = answer.data; } else failures.push({ kind, problem: answer.data });
  }
  return { saved, failures, last };
}

function failureItems(failures) {
  return failures.map((f) => ({ field: "", message: t("photo_failed", { kind: photoLabel(f.kind), msg: f.problem.detail || "" }),
    message_zh: t("photo_failed", { kind: photoLabel(f.kind), msg: f.problem.detail_zh || f.problem.detail || "" }) }));
}

// After the sale is queued: its photos, with it. Failures are shown and can be sent again.
async function sendSalePhotos(localId) {
  if (!photos.chosen.size) return;
  photos.lastSent = new Map(photos.chosen);  // for a sale cancelled to be sold again
  const note = $("photo-note");
  note.className = "msg"; note.textContent = t("photos_saving");
  const { saved, failures } = await uploadChosen(localId, photos.chosen);
  photos.failed = failures;
  note.className = failures.length ? "msg bad" : "msg ok";
  note.textContent = failures.length ? "" : t("photos_saved", { n: saved });
  list($("photo-errors"), failureItems(failures));
  $("photos-retry").hidden = !failures.length;
}

// The plate-fitted step: shown once the plate is issued and until its photo is queued.
const fitted = { chosen: new Map(), forId: null };
async function renderFitted(sale) {
  const box = $("fitted");
  const hasFitted = (sale.photos || []).some((p) => fittedKinds().includes(p.kind));
  const wanted = sale.plate_number && sale.status === "plate_assigned" && !hasFitted;
  if (wanted && !photos.reqs) await loadRequirements();
  const kinds = fittedKinds();
  box.hidden = !(wanted && kinds.length);
  if (box.hidden || fitted.forId === sale.local_id) return;
  fitted.forId = sale.local_id; fitted.chosen = new Map();
  const send = $("send-fitted");
  send.disabled = true;
  $("fitted-slots").replaceChildren(...kinds.map((k) => photoSlot(k, true, fitted.chosen, () => {
    send.disabled = missingKinds(kinds, fitted.chosen).length > 0;
  })));
}

async function onSendFitted() {
  const sale = state.current;
  if (!sale) return;
  $("send-fitted").disabled = true;
  const { failures, last } = await uploadChosen(sale.local_id, fitted.chosen);
  const note = $("result-note");
  if (failures.length) {
    note.className = "msg bad"; note.textContent = failureItems(failures).map(msgOf).join("；");
    $("send-fitted").disabled = false;
    return;
  }
  fitted.forId = null;
  state.fittedSent = sale.local_id;
  if (last) { state.current = last; renderResult(last); }
  note.className = "msg ok"; note.textContent = t("fitted_done");
}

// A desktop's webcam: a live preview in a dialog, one frame captured as a JPEG.
function openWebcam(onBlob) {
  const dialog = $("webcam"), video = $("webcam-video"), msg = $("webcam-msg");
  msg.textContent = "";
  let stream = null;
  // However the dialog closes (a button, Esc), the camera is released.
  const release = () => { if (stream) stream.getTracks().forEach((track) => track.stop()); stream = null; video.srcObject = null; };
  dialog.onclose = release;
  $("webcam-close").onclick = () => dialog.close();
  $("webcam-capture").onclick = () => {
    if (!video.videoWidth) return;
    const canvas = document.createElement("canvas");
    canvas.width = video.videoWidth; canvas.height = video.videoHeight;
    canvas.getContext("2d").drawImage(video, 0, 0);
    canvas.toBlob((blob) => { if (blob) onBlob(blob); dialog.close(); }, "image/jpeg", 0.9);
  };
  dialog.showModal();
  navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
    .then((s) => { stream = s; if (!dialog.open) { release(); return undefined; } video.srcObject = s; return video.play(); })
    .catch((err) => { msg.className = "msg bad"; msg.textContent = t("webcam_failed", { msg: err.name || String(err) }); });
}

function initPhotos() {
  $("send-fitted").addEventListener("click", onSendFitted);
  $("photos-retry").addEventListener("click", async () => {
    if (state.current) await sendSalePhotos(state.current.local_id);
  });
  field("owner.id_type").addEventListener("change", renderPhotoStep);  // conditions may change
  renderPhotoStep();
}

function resetPhotos() {
  photos.chosen.clear(); photos.failed = [];
  fitted.forId = null; fitted.chosen = new Map();
  $("photo-note").textContent = ""; list($("photo-errors"), []); $("photos-retry").hidden = true;
  renderPhotoStep();
}
