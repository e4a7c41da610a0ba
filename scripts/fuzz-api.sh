#!/usr/bin/env bash
# The API contract, fuzzed: starts the built `herald` on a free loopback port with a throwaway data folder
# and runs schemathesis over every operation of the served /openapi.yaml with the admin key. Zero
# failures or it exits non-zero. Run alone after a build:
#   swift build && bash scripts/fuzz-api.sh
# HERALD_FUZZ_EXAMPLES (default 25 per operation) and HERALD_FUZZ_SEED (default 15) bound and pin the run;
# HERALD_BIN picks another binary, HERALD_FUZZ_SCHEMA another document (a file); HERALD_FUZZ_ARGS adds schemathesis options (e.g. --include-path /v1/consents).
# Custom string formats: scripts/fuzz/herald_formats.py; per-operation settings: scripts/fuzz/schemathesis.toml.
# scripts/setup.sh installs schemathesis into $HERALD_FUZZ_VENV.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${HERALD_FUZZ_VENV:-$HOME/.cache/herald/schemathesis-venv}"
binary="${HERALD_BIN:-$PWD/.build/debug/herald}"
examples="${HERALD_FUZZ_EXAMPLES:-25}"
seed="${HERALD_FUZZ_SEED:-15}"
[ -x "$venv/bin/st" ] || { echo "fuzz: schemathesis missing in $venv (run scripts/setup.sh)" >&2; exit 1; }
[ -x "$binary" ] || { echo "fuzz: no herald binary at $binary (run swift build)" >&2; exit 1; }

work="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
(cd "$work" && exec "$binary" serve --listen "127.0.0.1:$port" >"$work/herald.log" 2>&1) &
daemon=$!
stop() {
  kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null || true
  rm -rf "$work"
}
trap stop EXIT
for _ in $(seq 300); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$daemon" 2>/dev/null || { cat "$work/herald.log" >&2; echo "fuzz: herald exited" >&2; exit 1; }
  sleep 0.1
done
key="$(cat "$work/herald-data/admin.key")"

# One worker: hypothesis describes strategies by parsing source, which CPython 3.11 races on across threads.
echo "fuzz: schemathesis against herald on 127.0.0.1:$port (seed $seed, $examples examples per operation)"
status=0
PYTHONPATH="$PWD/scripts/fuzz" SCHEMATHESIS_HOOKS=herald_formats \
  "$venv/bin/st" --config-file scripts/fuzz/schemathesis.toml --no-color run "${HERALD_FUZZ_SCHEMA:-http://127.0.0.1:$port/openapi.yaml}" \
  --url "http://127.0.0.1:$port" \
  --header "Authorization: Bearer $key" \
  --phases examples,coverage,fuzzing \
  --seed "$seed" --max-examples "$examples" --workers 1 \
  --suppress-health-check all --generation-database none ${HERALD_FUZZ_ARGS:-} || status=$?
if ! kill -0 "$daemon" 2>/dev/null; then
  echo "fuzz: herald died during the run" >&2
  tail -n 50 "$work/herald.log" >&2
  exit 1
fi
exit "$status"
