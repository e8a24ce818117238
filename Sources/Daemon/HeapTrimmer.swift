import CProcessShims

/// Gives the heap glibc keeps after pages are freed back to the kernel, once
/// per janitor round.
///
/// glibc returns freed memory to the system only from the top of each arena;
/// free pages below a live allocation stay resident. Over a million crawls
/// that fragmentation grew RSS by about 25 MB, of which `malloc_trim(0)` (it
/// also releases whole free pages in the middle of the arenas, with
/// `madvise(MADV_DONTNEED)`) gave back 20 MB. The trim walks every arena
/// under its lock, taking a few milliseconds, so it runs on the janitor's
/// beat (60 s by default) in the janitor's task, never on an event loop.
struct HeapTrimmer: Sendable {
    /// Trims every arena; returns whether glibc gave any memory back.
    @discardableResult
    func trim() -> Bool {
        cprocess_malloc_trim() == 1
    }
}
