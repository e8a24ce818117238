#!/usr/bin/env python3
"""Checks that every Swift target of Package.swift declares exactly the modules it imports.

A dependency declared and never imported slows the build and misleads a reader about the
module graph (docs/architecture.md); a module imported and not declared compiles only while
some other dependency happens to pull it in. Both are reported, and the exit status is 1.

The declared side comes from `swift package dump-package`; the imported side from the
`import` lines of the target's Swift files. Modules of the toolchain and the OS (Foundation,
Glibc, Synchronization, Testing, ...) need no declaration and are ignored. Targets without
Swift files (the C targets) are skipped. Every product this package uses is named like the
module it holds (NIOCore, Logging, ...), so a product dependency counts as that module.

Usage: .ci/check-package-deps.py [package directory, default: the repository root]
"""

import json
import pathlib
import re
import subprocess
import sys

# Modules that come with the toolchain or the OS, never declared in Package.swift.
SYSTEM_MODULES = {
    "Foundation", "FoundationEssentials", "FoundationNetworking", "Dispatch", "Synchronization",
    "Glibc", "Musl", "Darwin", "Android", "WinSDK", "Testing", "XCTest", "_Concurrency", "Swift",
}

IMPORT = re.compile(
    r"^\s*(?:@[A-Za-z_]+(?:\([^)]*\))?\s+)*"  # @testable, @_exported, @preconcurrency, @_spi(X)
    r"(?:(?:public|package|internal|fileprivate|private)\s+)?"
    r"import\s+(?:(?:typealias|struct|class|enum|protocol|let|var|func)\s+)?"
    r"([A-Za-z_][A-Za-z0-9_]*)",
    re.MULTILINE,
)


def declared(target):
    names = set()
    for dependency in target["dependencies"]:
        (kind, value), = dependency.items()
        names.add(value[0])  # byName, target and product all put the name first
    return names


def target_directory(root, target):
    if target.get("path"):
        return root / target["path"]
    folder = "Tests" if target["type"] == "test" else "Sources"
    return root / folder / target["name"]


def imported(directory):
    names = set()
    for source in directory.rglob("*.swift"):
        names.update(IMPORT.findall(source.read_text(encoding="utf-8")))
    return names - SYSTEM_MODULES


def main():
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
    dump = subprocess.run(["swift", "package", "dump-package"], cwd=root, check=True, capture_output=True, text=True).stdout
    problems = []
    for target in json.loads(dump)["targets"]:
        if target["type"] in ("system", "binary", "plugin", "macro"):
            continue
        directory = target_directory(root, target)
        if not any(directory.rglob("*.swift")):
            continue
        want, have = imported(directory), declared(target)
        for name in sorted(want - have):
            problems.append(f"{target['name']}: imports {name} but does not declare it")
        for name in sorted(have - want):
            problems.append(f"{target['name']}: declares {name} but never imports it")
    for problem in problems:
        print(problem)
    if problems:
        print(f"Package.swift: {len(problems)} dependencies differ from the imports (see docs/architecture.md)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
