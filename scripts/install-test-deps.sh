#!/usr/bin/env bash
# Installs, when missing, every system package the test suite drives, so that on a
# fresh Debian or Ubuntu machine the suite runs every test (none skipped):
#
#   chromium             the clerk page in a real browser (tests/pos/test_browser.py)
#   fonts-wqy-microhei   a system CJK font for the label font-fallback test
#   openssl, curl        the shell signing walk-through (examples/curl_walkthrough.sh)
#   nodejs               the JavaScript POS client example
#   default-jdk-headless the Java signer (examples/VehregSigner.java)
#   mono-mcs, mono-runtime  the C# signer
#   libmono-system-net-http4.0-cil, libmono-system-runtime-serialization4.0-cil
#                        the C# POS client example (HttpClient, DataContractJsonSerializer)
#   postgresql           the PostgreSQL-backed tests
#
# Called by the README's test command and by .ci/run. Safe to run again: it only
# calls apt-get when something is missing. Elsewhere (no apt-get) it lists what is
# missing and exits 0; the suite then reports those tests as skipped (and fails
# under CI=true, see tests/conftest.py).
set -euo pipefail

missing=()
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_pkg() { dpkg -s "$1" >/dev/null 2>&1; }

have_cmd chromium || missing+=(chromium)
{ have_cmd dpkg && have_pkg fonts-wqy-microhei; } || fc-list 2>/dev/null | grep -qi "WenQuanYi Micro Hei" \
  || missing+=(fonts-wqy-microhei)
have_cmd openssl || missing+=(openssl)
have_cmd curl || missing+=(curl)
have_cmd node || missing+=(nodejs)
have_cmd javac || missing+=(default-jdk-headless)
have_cmd mcs || missing+=(mono-mcs)
have_cmd mono || missing+=(mono-runtime)
if have_cmd dpkg; then
  have_pkg libmono-system-net-http4.0-cil || missing+=(libmono-system-net-http4.0-cil)
  have_pkg libmono-system-runtime-serialization4.0-cil \
    || missing+=(libmono-system-runtime-serialization4.0-cil)
fi
if ! have_cmd pg_ctl && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  missing+=(postgresql)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if ! have_cmd apt-get; then
  echo "install-test-deps: no apt-get here; please install: ${missing[*]}" >&2
  echo "install-test-deps: 此系统没有 apt-get，请自行安装：${missing[*]}" >&2
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "install-test-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# -o DPkg::Lock::Timeout waits for another apt run (unattended upgrades) instead of failing.
$sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
$sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
