/// The pages a job still has to fetch, breadth-first by depth, each admitted once.
///
/// A FIFO queue gives breadth-first order for free: seeds (depth 0) first, then
/// every link they hold (depth 1) in the order found, and so on. `next()` hands
/// out at most `maxPages` pages; a page handed out stays "in flight" until
/// `complete` or `release`, so that a checkpoint taken at any moment lists it as
/// pending and a resumed job fetches it again (its record, if one was written
/// after the checkpoint, is truncated away with the output's tail).
public struct Frontier: Sendable {
    /// One page to fetch.
    public struct Entry: Sendable, Hashable {
        public let url: CrawlURL
        public let depth: Int
        public init(url: CrawlURL, depth: Int) {
            self.url = url
            self.depth = depth
        }
    }

    /// A queued page as its normal form only: a third of the memory of an `Entry`
    /// (whose parts are parsed again when it leaves the queue).
    private struct Queued: Sendable {
        let url: String
        let depth: Int32
    }

    public let maxPages: Int
    public let maxDepth: Int
    private var queue: [Queued] = []
    private var head = 0
    private var inFlight: [String: Entry] = [:]
    private(set) public var seen = SeenSet()
    /// Pages handed out and completed (not released), counted against `maxPages`.
    private(set) public var completed = 0

    public init(maxPages: Int, maxDepth: Int) {
        self.maxPages = maxPages
        self.maxDepth = maxDepth
    }

    /// Restores a frontier from a checkpoint: `pending` are queued again in order.
    public init(maxPages: Int, maxDepth: Int, pending: [Entry], seen: SeenSet, completed: Int) {
        self.init(maxPages: maxPages, maxDepth: maxDepth)
        self.queue = pending.map { Queued(url: $0.url.string, depth: Int32($0.depth)) }
        self.seen = seen
        self.completed = completed
    }

    /// Queues `url` at `depth` unless it was seen before or is deeper than `maxDepth`.
    /// - Returns: whether it was queued.
    @discardableResult
    public mutating func add(_ url: CrawlURL, depth: Int) -> Bool {
        guard depth <= maxDepth, seen.insert(url.string) else { return false }
        queue.append(Queued(url: url.string, depth: Int32(depth)))
        return true
    }

    /// Marks a URL seen without queueing it (a redirect's target, already fetched).
    public mutating func markSeen(_ url: CrawlURL) {
        seen.insert(url.string)
    }

    /// The next page, or nil when the queue is empty or `maxPages` are done or in flight.
    public mutating func next() -> Entry? {
        guard head < queue.count, completed + inFlight.count < maxPages else { return nil }
        let queued = queue[head]
        head += 1
        if head > 4096, head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
        guard let url = CrawlURL(queued.url) else { return next() }
        let entry = Entry(url: url, depth: Int(queued.depth))
        inFlight[queued.url] = entry
        return entry
    }

    /// The page was fetched and its record written: it counts against `maxPages`.
    public mutating func complete(_ entry: Entry) {
        if inFlight.removeValue(forKey: entry.url.string) != nil { completed += 1 }
    }

    /// The page will not be fetched (robots.txt said no): its slot goes back.
    public mutating func release(_ entry: Entry) {
        inFlight.removeValue(forKey: entry.url.string)
    }

    public var queuedCount: Int { queue.count - head }
    public var inFlightCount: Int { inFlight.count }

    /// True when nothing is queued, nothing is in flight, or the page budget is spent.
    public var isFinished: Bool {
        inFlight.isEmpty && (head == queue.count || completed >= maxPages)
    }

    /// The pages a resumed job must still fetch: those in flight (handed out first,
    /// so they come first in breadth-first order, sorted by depth) then the queue.
    public var pending: [Entry] {
        inFlight.values.sorted { ($0.depth, $0.url.string) < ($1.depth, $1.url.string) }
            + queue[head...].compactMap { queued in CrawlURL(queued.url).map { Entry(url: $0, depth: Int(queued.depth)) } }
    }
}
