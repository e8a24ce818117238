#!/usr/bin/env bash
# Runs every benchmark script in this folder, one after the other.
set -euo pipefail
cd "$(dirname "$0")"
for script in *.sh; do
  [ "$script" = run-all.sh ] && continue
  echo "== $script"
  "./$script"
done
