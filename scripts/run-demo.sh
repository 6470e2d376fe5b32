#!/usr/bin/env bash
# Open the app on the built-in demo Control Room (installs the system packages it needs first).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
exec cargo run --release --locked -- --demo "$@"
