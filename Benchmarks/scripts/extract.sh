#!/usr/bin/env bash
# Issue 4's (b): parse + links + the shipped default extract.lua, MB/s over
# python3.11-doc's HTML, against bare htmlReadMemory in the same run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh ExtractBench
.build/release/ExtractBench --rounds 3
