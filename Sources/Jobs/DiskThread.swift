import Dispatch

/// The thread on which jobs wait for the disk: the output's `fsync` before a
/// checkpoint, and a disk checkpoint's write, `fsync` and rename.
///
/// Why a thread of its own: an `fsync` takes milliseconds, tens of them on a
/// busy disk, a dozen times in a docs site's crawl. In the job actor's turn it
/// held every worker of the job (a recrawl of 1,169 pages, 0.2 s in all,
/// once took a second), and on Swift's cooperative pool, a thread per core,
/// it held one of the threads that answer the protocol. Serial: the disk is
/// one, and a job's checkpoints never race each other to the same file.
enum DiskThread {
    private static let queue = DispatchQueue(label: "crawld.jobs.disk", qos: .utility)

    /// Runs `work` there and returns what it returned, or throws what it threw.
    static func run<T: Sendable, E: Error>(_ work: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        try await queue.perform(work)
    }
}
