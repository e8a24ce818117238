/*
 * jemalloc's options for the crawld binary, the one that links jemalloc
 * (Package.swift). jemalloc reads this symbol at its start; in binaries on
 * glibc's malloc (the tests) nothing reads it. MALLOC_CONF in the
 * environment still wins, for experiments.
 *
 * narenas:1 — one arena instead of four per core. The daemon's threads
 * (event loops, the cooperative pool) share the pages a page's parse freed
 * instead of each keeping its own; every thread still has its cache.
 * tcache_max:1024 — thread caches keep blocks up to 1 KiB, not 32 KiB.
 *
 * Measured in docs/benchmarks.md ("jemalloc's options are built into the
 * binary"): a lower peak RSS for a crawl job, and crawl CPU no worse.
 */
const char *malloc_conf = "narenas:1,tcache_max:1024";
