#!/usr/bin/env python3
"""Issue 27's evaluation of fit_markdown against trafilatura, in one run.

Two sets of pages:
  docs  python3.11-doc's Sphinx pages (every Nth, --docs-pages of them); the truth is the text
        of `div[role=main]` without its header-link marks (`a.headerlink`, "¶").
  hand  the pages Benchmarks/fit-eval/make_pages.py writes (blog, news, shop, forum, recipe,
        wiki layouts); the truth is the text of the `data-main` elements, minus `data-not-main`.
        The marks are stripped before any extractor sees a page.

For each page: fit_markdown (Benchmarks' FitBench, release build; Markdown syntax and link
targets dropped before scoring) and trafilatura.extract (tables on, comments off: the truth
holds no comments). Scores are token-level precision, recall and F1 (lowercased \\w+ tokens,
as multisets), averaged over the pages of a set. Speed is pages per CPU second of parse +
extraction for both (FitBench: parse + fitMarkdown; trafilatura: extract on the HTML string),
the median of --rounds rounds; FitBench also gives fit_markdown's cost over markdown per page.

    Benchmarks/scripts/fit_eval.py [--rounds 3] [--docs-pages 60]
"""
import argparse
import collections
import json
import os
import re
import statistics
import subprocess
import sys
import time

import lxml.html

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
RESULTS = os.path.join(BENCH, "results", "fit-eval")
DOCS = "/usr/share/doc/python3.11/html"


def tokens(text):
    return re.findall(r"\w+", text.lower())


def markdown_text(markdown):
    lines = [line for line in markdown.split("\n") if not line.startswith("```")]
    text = "\n".join(lines)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return re.sub(r"^\|(\s*---\s*\|)+\s*$", "", text, flags=re.M)


def score(found, truth):
    found, truth = collections.Counter(tokens(found)), collections.Counter(tokens(truth))
    common = sum((found & truth).values())
    precision = common / sum(found.values()) if found else 0.0
    recall = common / sum(truth.values()) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def visible_text(element):
    for hidden in element.xpath(".//script|.//style"):
        hidden.drop_tree()
    return element.text_content()


def docs_pages(count):
    files = []
    for root, _, names in os.walk(DOCS):
        for name in names:
            if name.endswith(".html") and name not in ("genindex.html", "search.html") and not name.startswith("genindex-"):
                files.append(os.path.join(root, name))
    files.sort()
    step = max(1, len(files) // count)
    pages = []
    for path in files[::step][:count]:
        raw = open(path, "rb").read()
        tree = lxml.html.fromstring(raw)
        mains = tree.xpath("//div[@role='main']")
        if not mains:
            continue
        for link in mains[0].xpath(".//a[contains(concat(' ', @class, ' '), ' headerlink ')]"):
            link.drop_tree()
        pages.append({"name": os.path.relpath(path, DOCS), "path": path, "truth": visible_text(mains[0])})
    return pages


def hand_pages():
    folder = os.path.join(BENCH, "fit-eval", "pages")
    subprocess.run([sys.executable, os.path.join(BENCH, "fit-eval", "make_pages.py")], check=True, stdout=subprocess.DEVNULL)
    out = os.path.join(RESULTS, "hand")
    os.makedirs(out, exist_ok=True)
    pages = []
    for name in sorted(os.listdir(folder)):
        raw = open(os.path.join(folder, name), encoding="utf-8").read()
        tree = lxml.html.fromstring(raw)
        for excluded in tree.xpath("//*[@data-not-main]"):
            excluded.drop_tree()
        truth = "\n".join(visible_text(e) for e in tree.xpath("//*[@data-main][not(ancestor::*[@data-main])]"))
        stripped = re.sub(r"\sdata-(?:not-)?main(?=[\s>])", "", raw)
        assert "data-main" not in stripped and "data-not-main" not in stripped, name
        path = os.path.join(out, name)
        open(path, "w", encoding="utf-8").write(stripped)
        pages.append({"name": name, "path": path, "truth": truth})
    return pages


def run_fitbench(pages, rounds, label):
    binary = os.path.join(BENCH, ".build", "release", "FitBench")
    out = os.path.join(RESULTS, f"{label}.fit.jsonl")
    answer = subprocess.run([binary, "--rounds", str(rounds), "--out", out] + [p["path"] for p in pages],
                            check=True, capture_output=True, text=True).stdout
    outputs = {}
    for line in open(out, encoding="utf-8"):
        record = json.loads(line)
        outputs[record["path"]] = record["fit_markdown"]
    return outputs, json.loads(answer)


def run_trafilatura(pages, rounds):
    import trafilatura
    texts = [open(p["path"], encoding="utf-8", errors="replace").read() for p in pages]
    outputs = [trafilatura.extract(t, include_comments=False, include_tables=True) or "" for t in texts]
    totals = []
    for _ in range(rounds):
        start = time.process_time()
        for t in texts:
            trafilatura.extract(t, include_comments=False, include_tables=True)
        totals.append(time.process_time() - start)
    return outputs, len(pages) / statistics.median(totals)


def evaluate(label, pages, rounds, show):
    fits, bench = run_fitbench(pages, rounds, label)
    trafs, traf_speed = run_trafilatura(pages, rounds)
    rows = []
    for page, traf in zip(pages, trafs):
        ours = score(markdown_text(fits[page["path"]]), page["truth"])
        theirs = score(traf, page["truth"])
        rows.append((page["name"], ours, theirs))
    if show:
        for name, ours, theirs in rows:
            print(f"  {name:40s} crawld P {ours[0]:.2f} R {ours[1]:.2f} F1 {ours[2]:.2f} | trafilatura P {theirs[0]:.2f} R {theirs[1]:.2f} F1 {theirs[2]:.2f}")
    mean = lambda index, side: statistics.mean(r[side][index] for r in rows)
    print(f"{label}: {len(pages)} pages, {rounds} rounds")
    print(f"  crawld fit_markdown  P {mean(0, 1):.3f}  R {mean(1, 1):.3f}  F1 {mean(2, 1):.3f}  {bench['fit_markdown_pages_per_s']:.0f} pages/s")
    print(f"  trafilatura          P {mean(0, 2):.3f}  R {mean(1, 2):.3f}  F1 {mean(2, 2):.3f}  {traf_speed:.0f} pages/s")
    print(f"  crawld markdown      {bench['markdown_pages_per_s']:.0f} pages/s; fit_markdown costs {bench['fit_over_markdown_us_per_page']:.0f} us/page more")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--docs-pages", type=int, default=60)
    parser.add_argument("--show", action="store_true", help="print every page's scores")
    args = parser.parse_args()
    os.makedirs(RESULTS, exist_ok=True)
    evaluate("hand", hand_pages(), args.rounds, args.show)
    evaluate("docs", docs_pages(args.docs_pages), args.rounds, args.show)


if __name__ == "__main__":
    main()
