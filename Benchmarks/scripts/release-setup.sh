# Sourced (from the repository's root) by the scripts that run crawld against nginx: one
# release build (the Benchmarks package's) serves crawld and the load generator; $work is
# a scratch folder, and the exit trap stops nginx and every process listed in $pids.
Benchmarks/scripts/build.sh crawld ProtocolBench
bench=Benchmarks/.build/release/ProtocolBench
crawld=${CRAWLD:-Benchmarks/.build/release/crawld}
work=$(mktemp -d)
pids=()
trap 'kill $(cat $work/nginx.pid 2>/dev/null) "${pids[@]}" 2>/dev/null; rm -rf $work' EXIT
