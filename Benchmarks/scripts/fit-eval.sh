#!/usr/bin/env bash
# Issue 27's evaluation: fit_markdown vs trafilatura (PyPI, in Benchmarks/.venv) on
# python3.11-doc's Sphinx pages and the hand-made pages of Benchmarks/fit-eval, in one run:
# token precision / recall / F1 against the marked main text, pages per CPU second, and
# fit_markdown's cost over markdown. See fit_eval.py for the details.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.venv
"$venv/bin/python" -c 'import trafilatura' 2>/dev/null || {
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q trafilatura lxml_html_clean
}
scripts/build.sh FitBench
"$venv/bin/python" scripts/fit_eval.py "$@"
