import Synchronization

/// robots.txt rules of one job, fetched once per origin and shared by its workers.
///
/// Per RFC 9309 section 2.3.1: a 4xx answer (or a redirect the fetcher did not
/// follow to its end) means no rules (allow all); a 5xx
/// answer or no answer means the site is unreachable, so everything is
/// disallowed; that verdict is kept only for `unreachableRetry`, after which the
/// next page of that origin fetches robots.txt again. Concurrent requests for
/// an origin being fetched wait for the one fetch; a waiter whose task is
/// cancelled stops waiting at once, while the fetch goes on for the others.
public actor RobotsCache {
    private enum Slot {
        case fetching(Task<RobotsRules, Never>)
        case ready(RobotsRules, until: ContinuousClock.Instant?)
    }

    private let fetcher: any PageFetcher
    private let matching: MatchingThread
    private let userAgent: String
    private let unreachableRetry: Duration
    private var slots: [String: Slot] = [:]

    /// - Parameter matching: where a fetched robots.txt is parsed (up to 500 KiB of a site's choosing).
    public init(fetcher: any PageFetcher, matching: MatchingThread, userAgent: String, unreachableRetry: Duration = .seconds(600)) {
        self.fetcher = fetcher
        self.matching = matching
        self.userAgent = userAgent
        self.unreachableRetry = unreachableRetry
    }

    /// The rules for `url`'s origin, fetching robots.txt if needed; nil when
    /// the calling task was cancelled while the fetch was under way.
    public func rules(for url: CrawlURL) async -> RobotsRules? {
        let origin = url.origin
        switch slots[origin] {
        case .fetching(let task)?:
            return await Self.value(of: task)
        case .ready(let rules, let until)? where until.map({ ContinuousClock.now < $0 }) ?? true:
            return rules
        default:
            break
        }
        let fetcher = self.fetcher
        let matching = self.matching
        let userAgent = self.userAgent
        let task = Task { () -> RobotsRules in
            let response = await fetcher.fetchRobots(origin: origin)
            let rules = await matching.run { Self.rules(from: response, userAgent: userAgent) }
            await self.store(rules, for: origin, unreachable: Self.isUnreachable(response))
            return rules
        }
        slots[origin] = .fetching(task)
        return await Self.value(of: task)
    }

    private func store(_ rules: RobotsRules, for origin: String, unreachable: Bool) {
        slots[origin] = .ready(rules, until: unreachable ? ContinuousClock.now + unreachableRetry : nil)
    }

    /// The fetch's result, or nil as soon as the calling task is cancelled
    /// (awaiting `task.value` itself cannot be interrupted).
    private static func value(of task: Task<RobotsRules, Never>) async -> RobotsRules? {
        let answer = FirstAnswer<RobotsRules?>()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                answer.wait(continuation)
                Task { answer.give(await task.value) }
            }
        } onCancel: {
            answer.give(nil)
        }
    }

    /// A 5xx or no answer: the verdict "disallow all" is only kept for a while.
    static func isUnreachable(_ response: RobotsResponse) -> Bool {
        if case .response(let status, _) = response { return status >= 500 }
        return true
    }

    /// The verdict for one robots.txt answer.
    public static func rules(from response: RobotsResponse, userAgent: String) -> RobotsRules {
        switch response {
        case .response(let status, let body) where (200..<300).contains(status):
            return RobotsRules(parsing: body, userAgent: userAgent)
        case .response(let status, _) where status < 500:
            return .allowAll
        default:
            return .disallowAll
        }
    }
}

/// A continuation resumed once, with the first of the answers given (the
/// fetch's result or the cancellation), whichever comes first; the other is dropped.
private final class FirstAnswer<Value: Sendable>: Sendable {
    private let state = Mutex<(waiter: CheckedContinuation<Value, Never>?, early: Value?, done: Bool)>((nil, nil, false))

    func wait(_ continuation: CheckedContinuation<Value, Never>) {
        let given = state.withLock { state -> Value? in
            if state.done { return state.early }
            state.waiter = continuation
            return nil
        }
        if let given { continuation.resume(returning: given) }
    }

    func give(_ value: Value) {
        let waiter = state.withLock { state -> CheckedContinuation<Value, Never>? in
            guard !state.done else { return nil }
            state.done = true
            if state.waiter == nil { state.early = value }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: value)
    }
}
