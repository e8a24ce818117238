#!/usr/bin/env bash
# Runs every benchmark script in this folder, one after the other.
set -euo pipefail
cd "$(dirname "$0")"
for script in protocol.sh lua.sh pool.sh html.sh selector.sh extract.sh crawl.sh monitor.sh jobs.sh jobs-crawl.sh fetch.sh browser.sh fit-eval.sh http.sh; do
  echo "== $script"
  "./$script"
done
