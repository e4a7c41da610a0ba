#!/usr/bin/env bash
# The whole test suite: installs and starts what the tests need, then runs every test target.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --build-tests
swift test --skip-build
