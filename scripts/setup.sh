#!/usr/bin/env bash
# Installs what Herald needs on a fresh Debian machine with Swift. Safe to run again: it installs only
# what is missing.
#   setup.sh          everything the test suite needs: the build's system libraries (libcurl + OpenSSL
#                     for the SMTP driver, libidn2 for its internationalized domains, SQLite headers, zlib for the live tail's gzip), headless
#                     Chromium for the dashboard test,
#                     PostgreSQL for the Postgres store's tests, and Python's aiosmtpd/dkimpy for the
#                     real-SMTP tests
#   setup.sh runtime  only what building and running the daemon needs
set -euo pipefail
mode="${1:-test}"

need_apt=()
packages=(libcurl4-openssl-dev libssl-dev libidn2-dev libsqlite3-dev zlib1g-dev)
if [ "$mode" != runtime ]; then
  packages+=(python3 python3-pip python3-venv openssl chromium)
fi
for pkg in "${packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
# Any packaged server version will do; scripts/postgres.sh picks the newest installed.
if [ "$mode" != runtime ] && [ "${HERALD_SKIP_POSTGRES:-0}" != 1 ] \
  && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  need_apt+=(postgresql)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
[ "$mode" = runtime ] && exit 0

if ! python3 -c 'import aiosmtpd, dkim, cryptography' >/dev/null 2>&1; then
  echo "setup: installing aiosmtpd, dkimpy, cryptography from PyPI"
  python3 -m pip install -q aiosmtpd dkimpy cryptography 2>/dev/null \
    || python3 -m pip install -q --break-system-packages aiosmtpd dkimpy cryptography
fi

# The webhook tests verify Herald's signatures with an independent Standard Webhooks implementation.
if ! python3 -c 'import standardwebhooks' >/dev/null 2>&1; then
  echo "setup: installing standardwebhooks from PyPI"
  python3 -m pip install -q standardwebhooks 2>/dev/null \
    || python3 -m pip install -q --break-system-packages standardwebhooks
fi

# OpenAPIValidityTests runs it over the served document.
if ! command -v openapi-spec-validator >/dev/null 2>&1; then
  echo "setup: installing openapi-spec-validator from PyPI"
  python3 -m pip install -q openapi-spec-validator 2>/dev/null \
    || python3 -m pip install -q --break-system-packages openapi-spec-validator
fi

# scripts/fuzz-api.sh runs schemathesis 4 from a virtualenv of its own: its pinned dependencies stay out
# of the system Python.
fuzz_venv="${HERALD_FUZZ_VENV:-$HOME/.cache/herald/schemathesis-venv}"
if ! "$fuzz_venv/bin/st" --version 2>/dev/null | grep -q 'version 4\.'; then
  echo "setup: installing schemathesis 4 from PyPI into $fuzz_venv"
  python3 -m venv "$fuzz_venv"
  "$fuzz_venv/bin/pip" install -q "schemathesis>=4,<5"
fi
