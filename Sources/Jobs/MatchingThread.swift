import Dispatch

/// The one thread on which jobs do their CPU-heavy matching: parsing
/// robots.txt and checking its rules, and each link's normalisation, scope
/// and include/exclude patterns.
///
/// Why a thread of its own: the rules come from websites and the patterns
/// from clients, and even in linear time (`WildcardPattern`) 1,000 rules of
/// 1 KiB against an 8 KiB URL take a while. On Swift's cooperative pool (a
/// thread per core, which also answers every protocol op) a few such checks
/// once left `ping` unanswered for seconds. On this serial queue the matching
/// of all jobs together takes at most one core, and the kernel's scheduler
/// shares the rest with the protocol. Work comes in small pieces (one page's
/// robots check, a few links) so that jobs interleave.
public final class MatchingThread: Sendable {
    private let queue = DispatchQueue(label: "crawld.jobs.matching", qos: .utility)

    public init() {}

    /// Runs `work` on the matching thread and returns its result.
    func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work()) }
        }
    }
}
