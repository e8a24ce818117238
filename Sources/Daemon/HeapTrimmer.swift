import CProcessShims

/// Gives the heap the allocator keeps after pages are freed back to the
/// kernel, once per janitor round.
///
/// On glibc's malloc, freed memory went back to the system only from the top
/// of each arena, and over a million crawls that fragmentation grew RSS
/// (`malloc_trim(0)` gave most of it back; docs/benchmarks.md). The daemon now runs on
/// jemalloc, which returns dirty pages on its own after a decay time; the
/// round's purge of every arena makes that prompt after a burst. The call
/// walks every arena under its lock, a few milliseconds, so it runs on the
/// janitor's beat (60 s by default) in the janitor's task, never on an event
/// loop. The test binaries link no jemalloc and take the `malloc_trim` path.
struct HeapTrimmer: Sendable {
    /// Trims every arena; returns whether the allocator did (jemalloc) or
    /// gave any memory back (glibc).
    @discardableResult
    func trim() -> Bool {
        cprocess_heap_trim() == 1
    }
}
