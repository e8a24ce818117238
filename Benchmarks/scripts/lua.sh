#!/usr/bin/env bash
# Issue 3's benchmark: janitor(mem) from Swift, no-op call through the bridge
# vs the C API in the same run, reload of the shipped scripts, memory per state.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh LuaBench
.build/release/LuaBench
