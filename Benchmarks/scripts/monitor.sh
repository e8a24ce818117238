#!/usr/bin/env bash
# Issue 6's benchmark: monitor recording with Redis persistence on vs off, and
# Redis round trips per 1,000 requests at several request rates.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product MonitorBench >/dev/null
.build/release/MonitorBench 100000 5
