#!/usr/bin/python3
"""Title and links with Python lxml, the comparison point (d) of HTMLBench.

Does the same work as HTMLBench's "parse+title+links": parse, take the first <title>, resolve
every a[href] against <base href> and the page URL, drop fragments, same-document links and
javascript:/mailto:/tel:/data: links, keep document order and remove duplicates.
Prints one JSON object: MB/s of each round and their median, by CPU time of this process
(`time.process_time`), so that a loaded machine skews it as little as possible, and by wall time. Run by HTMLBench, or alone:

    /usr/bin/python3 Benchmarks/scripts/lxml_links.py --rounds 5 /usr/share/doc/python3.11/html
"""
import argparse
import json
import os
import statistics
import sys
import time
from urllib.parse import urldefrag, urljoin

from lxml import etree

EXCLUDED = ("javascript:", "mailto:", "tel:", "data:")


def title_and_links(body, url, parser):
    root = etree.fromstring(body, parser)
    if root is None:
        return None, []
    titles = root.xpath("(//title)[1]")
    title = " ".join(titles[0].xpath("string()").split()) if titles else None
    bases = root.xpath("(//base[@href]/@href)[1]")
    base = urljoin(url, bases[0].strip()) if bases else url
    seen, links = set(), []
    for href in root.xpath("//a/@href"):
        href = href.strip()
        if href.startswith("#") or href[:11].lower().startswith(EXCLUDED):
            continue
        link = urldefrag(urljoin(base, href))[0]
        if link not in seen:
            seen.add(link)
            links.append(link)
    return title, links


def main():
    arguments = argparse.ArgumentParser()
    arguments.add_argument("--rounds", type=int, default=5)
    arguments.add_argument("corpus")
    options = arguments.parse_args()
    pages = []
    for folder, _, names in os.walk(options.corpus):
        for name in sorted(names):
            if name.endswith(".html"):
                path = os.path.join(folder, name)
                with open(path, "rb") as handle:
                    pages.append(("https://docs.example.org/" + os.path.relpath(path, options.corpus), handle.read()))
    total = sum(len(body) for _, body in pages)
    parser = etree.HTMLParser(recover=True, no_network=True, huge_tree=True)
    rates, wall_rates, link_count = [], [], 0
    for _ in range(options.rounds):
        start, wall_start = time.process_time(), time.perf_counter()
        link_count = 0
        for url, body in pages:
            _, links = title_and_links(body, url, parser)
            link_count += len(links)
        rates.append(total / 1e6 / (time.process_time() - start))
        wall_rates.append(total / 1e6 / (time.perf_counter() - wall_start))
    json.dump({"pages": len(pages), "bytes": total, "links": link_count, "rates": rates,
               "median": statistics.median(rates), "wall_median": statistics.median(wall_rates)}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
