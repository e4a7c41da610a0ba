#!/usr/bin/env bash
# Installs what Herald needs on a fresh Debian machine with Swift: system libraries for the SMTP
# driver (libcurl + OpenSSL), SQLite headers, headless Chromium for the dashboard test, PostgreSQL (the server the Postgres store's tests run against),
# and the Python tools the test suite's real SMTP server uses.
# Safe to run again: it installs only what is missing.
set -euo pipefail

need_apt=()
# chromium: the dashboard is tested in a real (headless) browser.
for pkg in libcurl4-openssl-dev libssl-dev libsqlite3-dev python3 python3-pip chromium; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
# Any packaged server version will do; scripts/postgres.sh picks the newest installed.
if [ "${HERALD_SKIP_POSTGRES:-0}" != 1 ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  need_apt+=(postgresql)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! python3 -c 'import aiosmtpd, dkim, cryptography' >/dev/null 2>&1; then
  echo "setup: installing aiosmtpd, dkimpy, cryptography from PyPI"
  python3 -m pip install -q aiosmtpd dkimpy cryptography 2>/dev/null \
    || python3 -m pip install -q --break-system-packages aiosmtpd dkimpy cryptography
fi
