# Sourced (from the repository's root) by the scripts that run crawld against nginx: one
# release build (the Benchmarks package's) serves crawld and the load generator; $work is
# a scratch folder, and the exit trap stops nginx and every process listed in $pids.
(cd Benchmarks && swift build -c release --static-swift-stdlib --product crawld >/dev/null && swift build -c release --static-swift-stdlib --product ProtocolBench >/dev/null)
bench=Benchmarks/.build/release/ProtocolBench
crawld=${CRAWLD:-Benchmarks/.build/release/crawld}
work=$(mktemp -d)
pids=()
trap 'kill $(cat $work/nginx.pid 2>/dev/null) "${pids[@]}" 2>/dev/null; rm -rf $work' EXIT
