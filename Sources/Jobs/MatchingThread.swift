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
/// robots check, a few links) so that jobs interleave; a piece whose bound is
/// small runs in place (`run(cost:_:)`).
public final class MatchingThread: Sendable {
    private let queue = DispatchQueue(label: "crawld.jobs.matching", qos: .utility)

    public init() {}

    /// Runs `work` on the matching thread and returns its result.
    func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await queue.perform(work)
    }

    /// The most work, in machine words of matching (`WildcardPattern`), that
    /// `run(cost:_:)` does in place: a few microseconds, about what the two
    /// thread switches of a trip to the matching thread and back cost.
    static let inlineCost = 16_384

    /// Runs `work` in place when its bound `cost` is at most `inlineCost`, else
    /// on the matching thread. Most checks are of a few short rules or links
    /// (a site without robots.txt has no rule at all), and a trip to the
    /// thread was most of what they cost; what a site or a client made
    /// expensive still goes there.
    func run<T: Sendable>(cost: Int, _ work: @escaping @Sendable () -> T) async -> T {
        cost <= Self.inlineCost ? work() : await run(work)
    }
}
