#!/usr/bin/env bash
# Builds and runs the libFuzzer targets of Fuzz/ (see README, "Fuzzing").
#
#     Fuzz/run.sh SECONDS [TARGET...]     every target when none is named
#
# The modules under test are compiled by swiftc with -sanitize=fuzzer,address (libFuzzer's
# coverage counters and AddressSanitizer in the code under test) and -enable-testing (so a target
# reaches internal types with `@testable import`) into static libraries in .build-fuzz; each
# target is one small file of Fuzz/ linked against them. Modules from other packages
# (OrderedCollections, NIO) are built by SwiftPM into .build-fuzz/spm, without instrumentation.
# A target runs for SECONDS on the seeds of Fuzz/corpus/TARGET (inputs taken from the tests) plus
# what earlier runs found (.build-fuzz/corpus/TARGET); a crash leaves its input in
# .build-fuzz/crashes/TARGET and makes this script fail.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:?usage: Fuzz/run.sh SECONDS [TARGET...]}
shift
all=(css-selector html-charset url json robots lua-json line-frame)
targets=("${@:-${all[@]}}")
out=.build-fuzz
spm="$out/spm"
mkdir -p "$out/modules" "$out/lib"

instrumented=(-sanitize=fuzzer,address -parse-as-library -O -I "$out/modules" -I "$spm/release/Modules"
    -I Sources/CLibXML2 -Xcc -I/usr/include/libxml2 -I Sources/CLua -I "$out/CLuaShims" -Xcc -I/usr/include/lua5.4)

# Compiles module $1 from the remaining arguments into $out/lib/lib$1.a, when a source changed.
library() {
    local module=$1
    shift
    if [ -f "$out/lib/lib$module.a" ] && [ -z "$(find "$@" -newer "$out/lib/lib$module.a")" ]; then return; fi
    swiftc "${instrumented[@]}" -enable-testing -module-name "$module" -emit-module -emit-module-path "$out/modules/$module.swiftmodule" \
        -emit-library -static -o "$out/lib/lib$module.a" "$@" 2> "$out/$module.build.log" || { cat "$out/$module.build.log" >&2; exit 1; }
}

# The objects of a SwiftPM module and its dependencies, built once.
spm_objects() {
    swift build --build-path "$spm" -c release --target "$1" >&2
    find "$spm/release/" -path '*.build/*.o' | sort
}

build() {
    local target=$1 libraries=() objects=()
    case $target in
        css-selector | html-charset)
            library HTML Sources/HTML/*.swift
            libraries=(-lHTML) ;;
        url)
            library HTML Sources/HTML/*.swift
            library Jobs Sources/Jobs/CrawlURL.swift Sources/Jobs/RobotsRules.swift Sources/Jobs/Wildcard.swift
            libraries=(-lHTML -lJobs) ;;
        robots)
            library Jobs Sources/Jobs/CrawlURL.swift Sources/Jobs/RobotsRules.swift Sources/Jobs/Wildcard.swift
            libraries=(-lJobs) ;;
        json | lua-json)
            mapfile -t objects < <(spm_objects OrderedCollections)
            library JSON Sources/JSON/*.swift
            libraries=(-lJSON)
            if [ "$target" = lua-json ]; then
                mkdir -p "$out/CLuaShims"
                printf 'module CLuaShims {\n    header "%s/Sources/CLuaShims/include/clua.h"\n    export *\n}\n' "$PWD" > "$out/CLuaShims/module.modulemap"
                for file in Sources/CLuaShims/*.c; do
                    clang -O2 -fPIC -I/usr/include/lua5.4 -I Sources/CLuaShims/include -c "$file" -o "$out/CLuaShims/$(basename "$file" .c).o"
                done
                library LuaBridge Sources/LuaBridge/*.swift
                libraries+=(-lLuaBridge Sources/Scripting/LuaValue+JSON.swift)
                objects+=("$out"/CLuaShims/*.o)
            fi ;;
        line-frame)
            mapfile -t objects < <(spm_objects NIOEmbedded)
            libraries=(Sources/Protocol/LineFrameDecoder.swift) ;;
        *) echo "unknown fuzz target $target (known: ${all[*]})" >&2; exit 2 ;;
    esac
    local file
    case $target in
        css-selector) file=CSSSelectorFuzz ;; html-charset) file=HTMLCharsetFuzz ;; url) file=URLFuzz ;; json) file=JSONFuzz ;;
        robots) file=RobotsRulesFuzz ;; lua-json) file=LuaValueJSONFuzz ;; line-frame) file=LineFrameFuzz ;;
    esac
    swiftc "${instrumented[@]}" -module-name "Fuzz_${target//-/_}" "Fuzz/$file.swift" -L "$out/lib" "${libraries[@]}" "${objects[@]}" \
        -lxml2 -llua5.4 -o "$out/$target" 2> "$out/$target.build.log" || { cat "$out/$target.build.log" >&2; exit 1; }
}

for target in "${targets[@]}"; do
    echo "== $target: building" >&2
    build "$target"
done
# Swift's own crash backtracer fights AddressSanitizer's; libFuzzer reports the crash itself.
export SWIFT_BACKTRACE=enable=no
status=0
for target in "${targets[@]}"; do
    mkdir -p "$out/corpus/$target" "$out/crashes/$target"
    echo "== $target: fuzzing for ${seconds}s" >&2
    if ! "$out/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$out/crashes/$target/" "$out/corpus/$target" "Fuzz/corpus/$target" 2> "$out/$target.log"; then
        status=1
        echo "== $target: FAILED, see $out/$target.log and $out/crashes/$target/" >&2
    fi
    grep -E '^#[0-9]+\s+DONE|^stat::number_of_executed_units' "$out/$target.log" >&2 || tail -5 "$out/$target.log" >&2
done
exit $status
