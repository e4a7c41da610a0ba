#!/usr/bin/env bash
# The whole test suite: installs and starts what the tests need, runs every test target, then fuzzes the
# API contract with schemathesis.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -n "${HERALD_TEST_POSTGRES_URL:-}" ]; then
  echo "test: PostgreSQL store suite uses the server in HERALD_TEST_POSTGRES_URL"
elif [ "${HERALD_SKIP_POSTGRES:-0}" = 1 ]; then
  echo "test: HERALD_SKIP_POSTGRES=1 — skipping the PostgreSQL store suite (HeraldStorePostgresTests)"
else
  # A throwaway server on 127.0.0.1:54329 (reused when already running) for the PostgreSQL store suite.
  HERALD_TEST_POSTGRES_URL="$(bash scripts/postgres.sh start)"
  export HERALD_TEST_POSTGRES_URL
fi
swift build --build-tests
# At most 16 tests at once. Unbounded, ~40 SQLite stores were open together (about 1,600 file descriptors),
# and Foundation's Process.run() on Linux over-reads a full /proc/self/fd listing and crashes the test
# process (swift-corelibs-foundation PR #5472, not yet in Swift 6.3.1): two of four runs here. With 16 the
# peak is ~160 descriptors and the suite takes as long.
# Fixtures make their folders (databases, outboxes, keys) under TMPDIR: one folder for this run, removed at the
# end, so repeated runs do not fill /tmp.
# Open to traverse: the PostgreSQL outage test's own server runs as user postgres inside it.
test_tmp="$(mktemp -d /tmp/herald-test-XXXXXX)"
chmod 755 "$test_tmp"
# Kept when something failed: its databases and daemon logs are what a failure is read from.
trap 'status=$?; if [ "$status" = 0 ]; then rm -rf "$test_tmp"; else echo "test: kept $test_tmp" >&2; fi' EXIT
TMPDIR="$test_tmp" swift test --skip-build --experimental-maximum-parallelization-width 16
# The API contract against the binary just built: schemathesis over every operation (scripts/fuzz-api.sh).
bash scripts/fuzz-api.sh
