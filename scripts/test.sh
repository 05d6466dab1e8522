#!/usr/bin/env bash
# Runs the whole test suite: installs the clients the tests drive (see install-test-deps.sh), then
# every unit, integration and process test of the crate.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
cargo test --release
