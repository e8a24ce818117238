#!/usr/bin/env python3
"""What a page's libxml2 tree costs under crawld's allocator, for RequestMemoryBudget's estimate
and HTMLDocument's reader (issue 25, memory).

Run with jemalloc preloaded (crawld links it), from the repository root:
  LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 python3 Benchmarks/scripts/tree_memory.py

It parses every page of python3.11-doc and postgresql-doc-15, and two made-up pages of 20,000
items each (bare links; the blocks of DaemonRequestMemoryTests' forty-megabyte page), with Debian's
libxml2 and crawld's parse options, and prints:
  1. the tree bytes per `<` and per `=` fitted (least squares) over the pages whose tree passes
     1 MB, and how far the shipped estimate (RequestMemoryBudget) is from what was built;
  2. the peak the parse reaches for the largest pages through htmlReadMemory (the whole body
     copied first) and through htmlReadIO with a reader (pieces of a few KB, crawld's way), and
     whether both build the same tree on every page (serialised and compared).
"""
import ctypes
import os
import re

CORPORA = ["/usr/share/doc/python3.11/html", "/usr/share/doc/postgresql-doc-15/html"]
# RECOVER | NOERROR | NOWARNING | NONET | COMPACT | IGNORE_ENC | HUGE: HTMLDocument.parseOptions.
OPTIONS = 1 | 32 | 64 | 2048 | 65536 | 2097152 | 524288

libxml2 = ctypes.CDLL("libxml2.so.2")
jemalloc = ctypes.CDLL("libjemalloc.so.2")
READ = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
libxml2.htmlReadMemory.restype = ctypes.c_void_p
libxml2.htmlReadMemory.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
libxml2.htmlReadIO.restype = ctypes.c_void_p
libxml2.htmlReadIO.argtypes = [READ, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int]
libxml2.xmlFreeDoc.argtypes = [ctypes.c_void_p]
libxml2.htmlDocDumpMemory.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_int)]
libxml2.xmlInitParser()


def mallctl_read(name):
    value, size = ctypes.c_uint64(0), ctypes.c_size_t(8)
    if jemalloc.mallctl(name, ctypes.byref(value), ctypes.byref(size), None, 0) != 0:
        raise SystemExit("jemalloc is not the allocator: run with LD_PRELOAD=.../libjemalloc.so.2")
    return value.value


def allocated():
    epoch = ctypes.c_uint64(1)
    jemalloc.mallctl(b"epoch", None, None, ctypes.byref(epoch), ctypes.c_size_t(8))
    return mallctl_read(b"stats.allocated")


def read_memory(body):
    return libxml2.htmlReadMemory(body, len(body), b"http://x/", None, OPTIONS)


def read_pieces(body):
    """htmlReadIO as HTMLDocument.parse calls it: the body handed over in pieces, UTF-8 named.
    Returns the parse to run, its buffer made beforehand (so a peak measured around the parse
    does not count it)."""
    buffer = ctypes.create_string_buffer(body, len(body) or 1)
    offset = [0]

    def read(_, out, length):
        count = min(length, len(body) - offset[0])
        ctypes.memmove(out, ctypes.addressof(buffer) + offset[0], count)
        offset[0] += count
        return count

    callback = READ(read)
    return lambda: libxml2.htmlReadIO(callback, None, None, b"http://x/", b"UTF-8", OPTIONS)


def peak_of(parse):
    jemalloc.mallctl(b"thread.peak.reset", None, None, None, 0)
    document = parse()
    peak = mallctl_read(b"thread.peak.read")
    libxml2.xmlFreeDoc(document)
    return peak


def serialised(document):
    if not document:
        return None
    text, length = ctypes.c_void_p(), ctypes.c_int()
    libxml2.htmlDocDumpMemory(document, ctypes.byref(text), ctypes.byref(length))
    return ctypes.string_at(text, length.value)


def shipped_estimate():
    source = open("Sources/Crawl/RequestMemoryBudget.swift").read()
    tag = int(re.search(r"treeBytesPerTag = (\d+)", source).group(1))
    attribute = int(re.search(r"treeBytesPerAttribute = (\d+)", source).group(1))
    return tag, attribute


pages = []
for corpus in CORPORA:
    for folder, _, names in os.walk(corpus):
        for name in sorted(names):
            if name.endswith(".html"):
                pages.append((os.path.relpath(os.path.join(folder, name), "/usr/share/doc"), open(os.path.join(folder, name), "rb").read()))
pages.append(("made/links.html", b"<html><body>" + b"".join(b'<a href="/p%d">link %d</a>\n' % (i, i) for i in range(20_000)) + b"</body></html>"))
pages.append(("made/blocks.html", b"<!doctype html><html><head><title>forty</title></head><body>\n" + b"".join(
    b'<div class="item"><h2><a href="/p/%d">Item %d</a></h2><p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, '
    b'sed do eiusmod tempor incididunt ut labore.</p></div>\n' % (i, i) for i in range(20_000)) + b"</body></html>\n"))

rows = []
for name, body in pages:
    before = allocated()
    document = read_memory(body)
    tree = allocated() - before
    libxml2.xmlFreeDoc(document)
    rows.append((name, body.count(b"<"), body.count(b"="), tree))

large = [row for row in rows if row[3] > 1_000_000]
# Least squares without an intercept: tree = a * tags + b * attributes.
stt = sum(t * t for _, t, _, _ in large)
saa = sum(a * a for _, _, a, _ in large)
sta = sum(t * a for _, t, a, _ in large)
sty = sum(t * y for _, t, _, y in large)
say = sum(a * y for _, _, a, y in large)
det = stt * saa - sta * sta
per_tag, per_attribute = (sty * saa - say * sta) / det, (say * stt - sty * sta) / det


def errors(tag, attribute):
    values = sorted((tag * t + attribute * a - y) / y for _, t, a, y in large)
    return sorted(abs(v) for v in values)[len(values) // 2], values[0], values[-1]


print(f"{len(rows)} pages, {len(large)} with a tree over 1 MB")
print(f"fitted: {per_tag:.0f} bytes a '<', {per_attribute:.0f} an '='; error median {errors(per_tag, per_attribute)[0]:.0%}, "
      f"worst under {errors(per_tag, per_attribute)[1]:.0%}, worst over {errors(per_tag, per_attribute)[2]:.0%}")
tag, attribute = shipped_estimate()
print(f"shipped: {tag} a '<', {attribute} an '='; error median {errors(tag, attribute)[0]:.0%}, "
      f"worst under {errors(tag, attribute)[1]:.0%}, worst over {errors(tag, attribute)[2]:.0%}")
print(f"one figure a '<' (200, before): error median {errors(200, 0)[0]:.0%}, worst under {errors(200, 0)[1]:.0%}")
print("largest trees:")
bodies = dict(pages)
for name, tags, attributes, tree in sorted(rows, key=lambda row: -row[3])[:5]:
    body = bodies[name]
    print(f"  {name}: body {len(body) / 1e6:.2f} MB, tree {tree / 1e6:.1f} MB, cost estimated (body twice and tree) {(2 * len(body) + tag * tags + attribute * attributes) / 1e6:.1f} MB "
          f"(before: {(2 * len(body) + 200 * tags) / 1e6:.1f}); parse peak whole copy {peak_of(lambda: read_memory(body)) / 1e6:.1f} MB, "
          f"in pieces {peak_of(read_pieces(body)) / 1e6:.1f} MB")

different = []
for name, body in pages:
    whole, pieces = read_memory(body), read_pieces(body)()
    if serialised(whole) != serialised(pieces):
        different.append(name)
    for document in (whole, pieces):
        if document:
            libxml2.xmlFreeDoc(document)
print(f"same tree whole and in pieces: {len(pages) - len(different)} of {len(pages)} pages" + (f"; different: {different}" if different else ""))
