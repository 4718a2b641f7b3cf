#!/usr/bin/env bash
# One e-bike sale against the bureau API with nothing but bash, curl and openssl:
# every request is signed here (HMAC-SHA256, signature version 1.1, docs/api/signing.md).
#
#   vehreg sandbox serve                  # in another terminal; paste its export lines
#   bash examples/curl_walkthrough.sh
#
# Steps: find a sellable bike by its certificate -> upload the till photos ->
# register the sale (plate at once) -> verify the plate token offline ->
# upload the plate-fitted photo -> wait for "approved" -> read the events.
# Then a new car at a 4S registration station (steps 10-16): its certificate ->
# the purchase tax (paid through the sandbox's test helper) -> a draw of plate
# numbers and a choice -> the registration -> the plate -> "approved".
#
# Environment: VEHREG_BASE_URL, VEHREG_APP_KEY, VEHREG_APP_SECRET (defaults: the
# sandbox's first demo dealer on 127.0.0.1:8780). Needs no jq: the JSON fields it
# reads are picked out with grep/sed, good enough for a walk-through.
set -euo pipefail

BASE_URL="${VEHREG_BASE_URL:-http://127.0.0.1:8780}"
BASE_URL="${BASE_URL%/}"
APP_KEY="${VEHREG_APP_KEY:-vk_demo_haizhou_0001}"
APP_SECRET="${VEHREG_APP_SECRET:-vs_demo_haizhou_5f1c7a92e04b4c3d8a61b2f0}"
WAIT_SECONDS="${VEHREG_WAIT_SECONDS:-60}"

for tool in curl openssl; do
  command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 2; }
done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# A 1x1 PNG stands in for the till camera's photos.
PHOTO="$WORK/photo.png"
printf '%s' 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC' \
  | openssl base64 -d -A > "$PHOTO"

say() { printf '\n== %s\n' "$*"; }

# json_str FIELD FILE: the first "FIELD": "value" in FILE (top-level fields come first).
json_str() { grep -o "\"$1\": *\"[^\"]*\"" "$2" | head -n 1 | sed 's/.*: *"\(.*\)"/\1/' || true; }
# json_num FIELD FILE: the first "FIELD": number in FILE.
json_num() { grep -o "\"$1\": *[0-9.]*" "$2" | head -n 1 | sed 's/.*: *//' || true; }

# canonical_query RAW: empty pairs (a&&b, a leading or trailing &) dropped, a pair
# without "=" given an empty value, then sorted by key, then value (byte order). The
# queries of this script are plain ASCII that needs no re-encoding; see signing.md.
canonical_query() {
  [ -z "$1" ] && return 0
  printf '%s\n' "$1" | tr '&' '\n' | { grep -v '^$' || true; } \
    | sed '/=/!s/$/=/' | LC_ALL=C sort -t '=' -k1,1 -k2 | paste -sd '&' -
}

# call METHOD PATH_AND_QUERY BODY_FILE CONTENT_TYPE [IDEMPOTENCY_KEY]
# Signs the request (version 1.1: the six lines of 1.0, then the Idempotency-Key and
# Content-Type values this request sends, empty when it sends none), sends it, and
# leaves the body in $WORK/response and the status in $STATUS.
call() {
  local method="$1" target="$2" body="$3" content_type="$4" key="${5:-}"
  local path="${target%%\?*}" query=""
  [ "$path" != "$target" ] && query="${target#*\?}"
  [ -s "$body" ] || content_type=""          # no body, no Content-Type header
  local timestamp nonce digest canonical signature
  timestamp="$(date +%s)"
  nonce="$(openssl rand -hex 16)"
  digest="$(openssl dgst -sha256 -r < "$body" | cut -d ' ' -f 1)"
  canonical="$(canonical_query "$query")"
  # Piped straight into openssl: "$(...)" would strip the trailing empty lines of a
  # request without Idempotency-Key and Content-Type.
  signature="$(printf '%s\n%s\n%s\n%s\n%s\n%s\n%s\n%s' \
      "$method" "$path" "$canonical" "$timestamp" "$nonce" "$digest" "$key" "$content_type" \
    | openssl dgst -sha256 -hmac "$APP_SECRET" -r | cut -d ' ' -f 1)"
  local args=(-sS -o "$WORK/response" -w '%{http_code}' -X "$method"
    -H "X-Vehreg-Key: $APP_KEY" -H "X-Vehreg-Timestamp: $timestamp"
    -H "X-Vehreg-Nonce: $nonce" -H "X-Vehreg-Signature-Method: HMAC-SHA256"
    -H "X-Vehreg-Signature-Version: 1.1" -H "X-Vehreg-Signature: $signature")
  [ -n "$key" ] && args+=(-H "Idempotency-Key: $key")
  if [ -n "$content_type" ]; then
    args+=(-H "Content-Type: $content_type" --data-binary "@$body")
  fi
  STATUS="$(curl "${args[@]}" -D "$WORK/response-headers" "$BASE_URL$target")"
  if grep -qi '^Deprecation:' "$WORK/response-headers"; then
    echo "warning: the bureau marked this request deprecated:" >&2
    grep -i '^Warning:' "$WORK/response-headers" >&2 || true
  fi
}

EMPTY="$WORK/empty"
: > "$EMPTY"
new_key() { printf 'curl-%s' "$(openssl rand -hex 12)"; }

expect() {  # expect STATUS WHAT
  if [ "$STATUS" != "$1" ]; then
    echo "$2 failed: HTTP $STATUS" >&2
    cat "$WORK/response" >&2
    exit 1
  fi
}

# multipart_photo KIND OUT_FILE: a multipart/form-data body with "kind" and "file".
BOUNDARY="vehreg-$(openssl rand -hex 12)"
multipart_photo() {
  {
    printf -- '--%s\r\nContent-Disposition: form-data; name="kind"\r\n\r\n%s\r\n' "$BOUNDARY" "$1"
    printf -- '--%s\r\nContent-Disposition: form-data; name="file"; filename="%s.png"\r\n' "$BOUNDARY" "$1"
    printf 'Content-Type: image/png\r\n\r\n'
    cat "$PHOTO"
    printf -- '\r\n--%s--\r\n' "$BOUNDARY"
  } > "$2"
}

say "1. The bureau is up"
curl -sS "$BASE_URL/v1/health"; echo

say "2. Our stores"
# "&&" is an empty pair: dropped when signing, exactly as the bureau reads it.
call GET "/v1/stores?limit=5&&" "$EMPTY" ""
expect 200 "listing stores"
STORE_ID="$(json_str id "$WORK/response")"
echo "selling at store $STORE_ID"

say "3. Scan a certificate: find a sellable bike (GB 17761-2024, valid CCC)"
VEHICLE_CODE=""
serial=$(( (RANDOM * 32768 + RANDOM) % 3900 ))
for attempt in $(seq 1 400); do
  serial=$(( (serial + 1) % 4000 ))
  [ $(( serial % 1000 )) -eq 999 ] && continue       # the sandbox's stolen list
  maker=$(( 6101 + attempt % 9 ))
  for year in 25 26; do
    code="$(printf '%s2%s%08d' "$maker" "$year" "$serial")"
    call GET "/v1/certificates/ebikes/$code" "$EMPTY" ""
    if [ "$STATUS" = 200 ] && grep -q '"GB17761-2024"' "$WORK/response" \
        && grep -q '"state": *"valid"' "$WORK/response"; then
      VEHICLE_CODE="$code"
      cp "$WORK/response" "$WORK/certificate"
      break 2
    fi
  done
done
[ -n "$VEHICLE_CODE" ] || { echo "no sellable bike found" >&2; exit 1; }
MOTOR_CODE="$(json_str motor_code "$WORK/certificate")"
PRODUCT_MODEL="$(json_str product_model "$WORK/certificate")"
COLOR="$(json_str color "$WORK/certificate")"
CHEMISTRY="$(json_str battery_chemistry "$WORK/certificate")"
VOLTAGE="$(json_num battery_voltage_v "$WORK/certificate")"
CAPACITY="$(json_num battery_capacity_ah "$WORK/certificate")"
echo "bike $VEHICLE_CODE: $PRODUCT_MODEL, motor $MOTOR_CODE, $CHEMISTRY ${VOLTAGE} V"

say "4. Upload the till photos"
UPLOADS=""
for kind in id_front id_back invoice certificate vehicle_code_rubbing vehicle_photo; do
  multipart_photo "$kind" "$WORK/form"
  call POST /v1/uploads "$WORK/form" "multipart/form-data; boundary=$BOUNDARY" "$(new_key)"
  expect 201 "uploading $kind"
  upload_id="$(json_str id "$WORK/response")"
  echo "$kind -> $upload_id"
  UPLOADS="${UPLOADS:+$UPLOADS,}\"$upload_id\""
done

say "5. Register the sale: the plate comes at once"
INVOICE_DATE="$(TZ=UTC-8 date +%F)"          # today in Asia/Shanghai (UTC+8, no tzdata needed)
INVOICE_NUMBER="CURL$(date +%s)"
cat > "$WORK/registration.json" <<JSON
{"store_id": "$STORE_ID",
 "vehicle": {"vehicle_code": "$VEHICLE_CODE", "motor_code": "$MOTOR_CODE",
             "product_model": "$PRODUCT_MODEL", "color": "$COLOR",
             "battery_chemistry": "$CHEMISTRY", "battery_voltage_v": $VOLTAGE,
             "battery_capacity_ah": $CAPACITY},
 "owner": {"name": "赵晓明", "id_type": "A", "id_number": "32070619920101011X",
           "mobile": "19900000000", "address": "江苏省连云港市海州区演示路 1 号", "use": "self"},
 "sale": {"invoice_number": "$INVOICE_NUMBER", "invoice_date": "$INVOICE_DATE",
          "price_fen": 329900, "clerk_id": "C001"},
 "uploads": [$UPLOADS]}
JSON
REGISTRATION_KEY="$(new_key)"
call POST /v1/ebike-registrations "$WORK/registration.json" "application/json" "$REGISTRATION_KEY"
expect 201 "registering"
cp "$WORK/response" "$WORK/registration"
REGISTRATION_ID="$(json_str id "$WORK/registration")"
PLATE="$(json_str plate_number "$WORK/registration")"
TOKEN="$(json_str plate_token "$WORK/registration")"
echo "registration $REGISTRATION_ID: status $(json_str status "$WORK/registration"), plate $PLATE"

# The same request with the same Idempotency-Key is answered from the bureau's memory.
call POST /v1/ebike-registrations "$WORK/registration.json" "application/json" "$REGISTRATION_KEY"
expect 201 "retrying the registration"
[ "$(json_str id "$WORK/response")" = "$REGISTRATION_ID" ] || { echo "retry created a second registration" >&2; exit 1; }
echo "a retry with the same Idempotency-Key returns the same registration"

say "6. Verify the plate token offline (Ed25519, GET /v1/keys)"
b64url_decode() {  # base64url -> bytes
  local s="${1//-/+}"; s="${s//_//}"
  while [ $(( ${#s} % 4 )) -ne 0 ]; do s="$s="; done
  printf '%s' "$s" | openssl base64 -d -A
}
curl -sS "$BASE_URL/v1/keys" > "$WORK/jwks"
X="$(json_str x "$WORK/jwks")"
# SubjectPublicKeyInfo DER = the fixed Ed25519 prefix (302a300506032b6570032100) + the 32 raw bytes.
{ printf '%s' 'MCowBQYDK2VwAyEA' | openssl base64 -d -A; b64url_decode "$X"; } > "$WORK/key.der"
openssl pkey -pubin -inform DER -in "$WORK/key.der" -out "$WORK/key.pem" 2>/dev/null
printf '%s' "${TOKEN%.*}" > "$WORK/signed"
b64url_decode "${TOKEN##*.}" > "$WORK/signature"
if openssl pkeyutl -verify -pubin -inkey "$WORK/key.pem" -rawin -in "$WORK/signed" \
     -sigfile "$WORK/signature" >/dev/null 2>&1; then
  echo "plate token signature OK; claims: $(b64url_decode "$(printf '%s' "$TOKEN" | cut -d . -f 2)")"
else
  echo "(this openssl cannot verify Ed25519 with -rawin; OpenSSL 3 can)"
fi

say "7. Fit the plate and upload the plate-fitted photo"
multipart_photo plate_fitted "$WORK/form"
call POST "/v1/ebike-registrations/$REGISTRATION_ID/photos" "$WORK/form" \
  "multipart/form-data; boundary=$BOUNDARY" "$(new_key)"
expect 200 "uploading the plate-fitted photo"
echo "status $(json_str status "$WORK/response")"

say "8. Wait for the police review"
deadline=$(( $(date +%s) + WAIT_SECONDS ))
while :; do
  call GET "/v1/ebike-registrations/$REGISTRATION_ID" "$EMPTY" ""
  expect 200 "reading the registration"
  status="$(json_str status "$WORK/response")"
  case "$status" in
    approved|returned|rejected) break ;;
  esac
  [ "$(date +%s)" -ge "$deadline" ] && { echo "still $status after ${WAIT_SECONDS}s" >&2; exit 1; }
  sleep 1
done
echo "registration $REGISTRATION_ID is $status (plate $PLATE)"

say "9. The events"
call GET "/v1/events?limit=100" "$EMPTY" ""
expect 200 "reading events"
grep -o '"type": *"ebike_registration\.[a-z_]*"' "$WORK/response" | sed 's/.*"\(ebike[^"]*\)"/\1/' | tail -n 3

[ "$status" = approved ] || exit 1
echo "e-bike done: $VEHICLE_CODE registered with plate $PLATE, approved."

# ---------------------------------------------------------------- a new car (新车登记)

say "10. A car's certificate of conformity (合格证) by its number"
# Sandbox certificate numbers: W + WMI + model (2) + year (2) + serial (6); model 00 is a
# petrol sedan by the fictional maker LHY. A random serial keeps reruns apart.
CAR_SERIAL=$(( (RANDOM % 60) + 1 ))
for year in 25 26; do
  call GET "$(printf '/v1/certificates/cars/WLHY00%s%06d' "$year" "$CAR_SERIAL")" "$EMPTY" ""
  [ "$STATUS" = 200 ] && break
done
expect 200 "reading the car certificate"
cp "$WORK/response" "$WORK/car"
VIN="$(json_str vin "$WORK/car")"
CERTIFICATE_NUMBER="$(json_str certificate_number "$WORK/car")"
echo "car $VIN: $(json_str brand "$WORK/car") $(json_str model "$WORK/car"), \
$(json_str vehicle_type "$WORK/car"), $(json_str energy_type "$WORK/car")"

say "11. The purchase tax (车辆购置税): unpaid, so the buyer pays (sandbox test helper)"
call GET "/v1/purchase-tax/$VIN" "$EMPTY" ""
expect 200 "reading the tax record"
echo "tax office: $(json_str status "$WORK/response")"
printf '{"price_fen": 12980000, "invoice_date": "%s"}' "$INVOICE_DATE" > "$WORK/pay.json"
call POST "/v1/test-helpers/purchase-tax/$VIN/pay" "$WORK/pay.json" "application/json" "$(new_key)"
expect 200 "paying the tax"
echo "tax office: $(json_str status "$WORK/response"), paid $(json_num paid_fen "$WORK/response") fen"

say "12. Draw plate numbers (选号) and reserve one"
printf '{"vin": "%s", "plate_kind": "02"}' "$VIN" > "$WORK/draw.json"
call POST /v1/plate-selections "$WORK/draw.json" "application/json" "$(new_key)"
expect 201 "drawing plate numbers"
SELECTION_ID="$(json_str id "$WORK/response")"
CAR_PLATE="$(grep -o '"candidates": *\["[^"]*"' "$WORK/response" | sed 's/.*\["//; s/"$//')"
echo "candidates: $(grep -o '"candidates": *\[[^]]*\]' "$WORK/response")"
printf '{"number": "%s"}' "$CAR_PLATE" > "$WORK/choose.json"
call POST "/v1/plate-selections/$SELECTION_ID/choose" "$WORK/choose.json" "application/json" "$(new_key)"
expect 200 "reserving $CAR_PLATE"
echo "reserved $CAR_PLATE until $(json_str reserved_until "$WORK/response")"

say "13. Upload the station photos"
CAR_UPLOADS=""
for kind in invoice insurance_policy id_front vin_rubbing vehicle_photo; do
  multipart_photo "$kind" "$WORK/form"
  call POST /v1/uploads "$WORK/form" "multipart/form-data; boundary=$BOUNDARY" "$(new_key)"
  expect 201 "uploading $kind"
  CAR_UPLOADS="${CAR_UPLOADS:+$CAR_UPLOADS,}\"$(json_str id "$WORK/response")\""
done

say "14. Register the car (submitted; the station inspects it, then assigns the plate)"
INSURANCE_END="$(TZ=UTC-8 date -d '+364 days' +%F 2>/dev/null || TZ=UTC-8 date -v+364d +%F)"
cat > "$WORK/car.json" <<JSON
{"store_id": "$STORE_ID",
 "vehicle": {"vin": "$VIN", "certificate_number": "$CERTIFICATE_NUMBER", "vehicle_type": "K33",
             "use_nature": "A", "fuel_type": "A", "energy_type": "ICE"},
 "owner": {"kind": "person", "name": "钱海燕", "id_type": "A", "id_number": "32070619920101011X",
           "mobile": "19900000001", "address": "江苏省连云港市海州区演示路 2 号"},
 "invoice": {"number": "CAR$(date +%s)", "date": "$INVOICE_DATE", "price_fen": 12980000},
 "insurance": {"policy_number": "PDZA$(date +%s)", "starts_on": "$INVOICE_DATE", "ends_on": "$INSURANCE_END"},
 "plate": {"kind": "02", "source": "selection", "selection_id": "$SELECTION_ID"},
 "uploads": [$CAR_UPLOADS]}
JSON
call POST /v1/vehicle-registrations "$WORK/car.json" "application/json" "$(new_key)"
expect 201 "registering the car"
CAR_ID="$(json_str id "$WORK/response")"
echo "registration $CAR_ID: $(json_str status "$WORK/response"), safety test $(json_str safety_test "$WORK/response")"

wait_for() {  # wait_for REGISTRATION_PATH STATUS...
  local target="$1"; shift
  local deadline=$(( $(date +%s) + WAIT_SECONDS ))
  while :; do
    call GET "$target" "$EMPTY" ""
    expect 200 "reading $target"
    status="$(json_str status "$WORK/response")"
    for wanted in "$@" rejected; do [ "$status" = "$wanted" ] && return 0; done
    [ "$(date +%s)" -ge "$deadline" ] && { echo "still $status after ${WAIT_SECONDS}s" >&2; exit 1; }
    sleep 1
  done
}

say "15. The plate is assigned"
wait_for "/v1/vehicle-registrations/$CAR_ID" plate_assigned
echo "plate $(json_str plate_number "$WORK/response") with its plate token"

say "16. Fit the plates, upload the photo, wait for the review"
multipart_photo plate_fitted "$WORK/form"
call POST "/v1/vehicle-registrations/$CAR_ID/photos" "$WORK/form" \
  "multipart/form-data; boundary=$BOUNDARY" "$(new_key)"
expect 200 "uploading the plate-fitted photo"
wait_for "/v1/vehicle-registrations/$CAR_ID" approved returned
echo "car registration $CAR_ID is $status"

[ "$status" = approved ] || exit 1
echo
echo "done: $VEHICLE_CODE registered with plate $PLATE, and car $VIN with plate $CAR_PLATE, approved."
