/// The pages a job still has to fetch, breadth-first by depth, each admitted once.
///
/// A FIFO queue gives breadth-first order for free: seeds (depth 0) first, then
/// every link they hold (depth 1) in the order found, and so on. `next()` hands
/// out at most `maxPages` pages; a page handed out stays "in flight" until
/// `complete` or `release`, so that a checkpoint taken at any moment lists it as
/// pending and a resumed job fetches it again (its record, if one was written
/// after the checkpoint, is truncated away with the output's tail).
///
/// Bounded: the queue holds at most what the job can still crawl
/// (`maxPages` minus pages done and in flight) plus `margin`, and never more
/// than `maxQueued`. A URL past that is dropped and counted (`dropped`), not
/// marked seen, so a later page may queue it again once there is room. In
/// breadth-first order the dropped URLs are the ones the job would reach
/// last: under the margin, only pages robots.txt refuses beyond it can cost
/// a page the job would have crawled; a job whose `max_pages` is above
/// `maxQueued` loses the links found while its queue is full (unless found
/// again later). Either way a hostile site linking every page to thousands
/// of fresh URLs costs memory and checkpoint bytes in proportion to
/// `max_pages` (at most `maxQueued`), not to its links.
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

    /// A page still to fetch as the queue and a checkpoint hold it: the URL's
    /// normal form only, a third of the memory of an `Entry` (whose parts are
    /// parsed again when it leaves the queue). A checkpoint copies the queue as
    /// it is, so a large frontier costs a copy, not a parse of every URL.
    public struct PendingPage: Sendable, Hashable {
        public let url: String
        public let depth: Int
        public init(url: String, depth: Int) {
            self.url = url
            self.depth = depth
        }
    }

    /// The default of `maxQueued` (`--max-frontier`).
    public static let defaultMaxQueued = 100_000
    /// The default of `margin`.
    public static let defaultMargin = 1_000

    public let maxPages: Int
    public let maxDepth: Int
    /// The most URLs queued at once, whatever `maxPages` is.
    public let maxQueued: Int
    /// URLs queued beyond what the job can still crawl.
    public let margin: Int
    private var queue: [PendingPage] = []
    private var head = 0
    private var inFlight: [String: Entry] = [:]
    private(set) public var seen = SeenSet()
    /// Pages handed out and completed (not released), counted against `maxPages`.
    private(set) public var completed = 0
    /// URLs refused because the queue was full, since this frontier was made.
    private(set) public var dropped = 0

    public init(maxPages: Int, maxDepth: Int, maxQueued: Int = defaultMaxQueued, margin: Int = defaultMargin) {
        self.maxPages = maxPages
        self.maxDepth = maxDepth
        self.maxQueued = max(1, maxQueued)
        self.margin = max(0, margin)
    }

    /// Restores a frontier from a checkpoint: `pending` are queued again in order.
    public init(
        maxPages: Int, maxDepth: Int, maxQueued: Int = defaultMaxQueued, margin: Int = defaultMargin, pending: [PendingPage], seen: SeenSet,
        completed: Int
    ) {
        self.init(maxPages: maxPages, maxDepth: maxDepth, maxQueued: maxQueued, margin: margin)
        self.queue = pending
        self.seen = seen
        self.completed = completed
    }

    /// Queues `url` at `depth` unless it was seen before, is deeper than
    /// `maxDepth`, or the queue is full (then it is counted in `dropped`).
    /// - Returns: whether it was queued.
    @discardableResult
    public mutating func add(_ url: CrawlURL, depth: Int) -> Bool {
        guard depth <= maxDepth, !seen.contains(url.string) else { return false }
        guard queuedCount < room else {
            dropped += 1
            return false
        }
        seen.insert(url.string)
        queue.append(PendingPage(url: url.string, depth: depth))
        return true
    }

    /// How many URLs the queue may hold now.
    private var room: Int {
        min(maxQueued, max(0, maxPages - completed - inFlight.count) + margin)
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
        let entry = Entry(url: url, depth: queued.depth)
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
    public var pending: [PendingPage] {
        inFlight.values.sorted { ($0.depth, $0.url.string) < ($1.depth, $1.url.string) }
            .map { PendingPage(url: $0.url.string, depth: $0.depth) } + queue[head...]
    }
}
