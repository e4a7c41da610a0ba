#!/usr/bin/env bash
# Zero-config daemon: 127.0.0.1:8025, SQLite in ./herald-data/, a log channel per kind.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh runtime
swift run -c release herald serve "$@"
