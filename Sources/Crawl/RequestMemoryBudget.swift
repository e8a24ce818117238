import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The daemon-wide budget for the memory requests hold while they are
/// parsed and extracted (`--request-memory`), shared by `crawl` and jobs.
///
/// Why: each request's memory was the client's to choose; a few clients
/// crawling large pages at once could take the machine's memory, and one
/// 40 MB page of dense markup took 1.18 GB. Each crawl reserves an estimate
/// of what its page will cost once the body is in (`cost(of:)`) and gives
/// it back when its answer is built. A page whose estimate is more than
/// one request may hold (`CrawlLimits.requestMemory`), or more than is free
/// now, is answered `memory_pressure` at once rather than queued: the
/// client (or the job's retry policy) decides whether to try again, and
/// nothing waits holding a body. While a body streams in, it is bounded by
/// `max_body_bytes` instead.
public final class RequestMemoryBudget: Sendable {
    /// Bytes all requests may reserve together.
    public let capacity: Int
    private let used = Mutex(0)

    /// libxml2 tree bytes per `<` of markup: an element, or the text node
    /// before it.
    ///
    /// With `treeBytesPerAttribute`, fitted to the trees libxml2 builds under
    /// crawld's jemalloc for the 181 pages whose trees pass 1 MB among
    /// python3.11-doc, postgresql-doc-15 and two made-up pages of links and
    /// blocks (`Benchmarks/scripts/tree_memory.py`): a median error of 2%,
    /// the worst 18% under. One figure per `<` (it was 200, fitted to the
    /// blocks alone) was 26% under in the median and 39% at worst, and for
    /// the largest docs page (contents.html: 27 MB of tree, 19.5 estimated)
    /// it let `TreeGate` hold the largest trees side by side.
    static let treeBytesPerTag = 150

    /// libxml2 tree bytes per `=` of markup: an attribute, its text child
    /// and its value (`treeBytesPerTag` says how they were measured).
    static let treeBytesPerAttribute = 230

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// The default `--request-memory`: a quarter of the memory crawld may use
    /// (the cgroup limit, else the machine's), at least 256 MiB.
    public static func defaultCapacity(totalMemory: Int) -> Int {
        max(256 << 20, totalMemory / 4)
    }

    /// The estimate reserved for a page: the body and one copy of it (a
    /// transcoding, the `text` or `html` format), plus, when the page will
    /// be parsed into a tree, the libxml2 tree its tags and attributes make.
    /// A crawl that wants only the title and links streams the page
    /// (`PageOutline`) and builds no tree.
    public static func cost(of body: [UInt8], parsesTree: Bool) -> Int {
        guard parsesTree else { return 2 * body.count }
        return 2 * body.count + occurrences(of: "<", in: body) * treeBytesPerTag
            + occurrences(of: "=", in: body) * treeBytesPerAttribute
    }

    /// How often `byte` occurs in `body`, found with `memchr` (vectorised in
    /// glibc): a Swift loop over the bytes was 1% of a small page's crawl,
    /// `memchr` a third of that.
    private static func occurrences(of byte: Unicode.Scalar, in body: [UInt8]) -> Int {
        body.withUnsafeBytes { raw in
            guard var cursor = raw.baseAddress else { return 0 }
            let end = cursor + raw.count
            var count = 0
            while cursor < end, let found = memchr(cursor, Int32(UInt8(ascii: byte)), end - cursor) {
                count += 1
                cursor = UnsafeRawPointer(found) + 1
            }
            return count
        }
    }

    /// Bytes reserved now.
    public var reserved: Int { used.withLock { $0 } }

    /// Runs `body` with `bytes` reserved.
    /// - Parameter limit: the most one request may reserve.
    /// - Throws: `CrawlError(.memoryPressure)` when they do not fit, or what `body` throws.
    func withReservation<Result>(_ bytes: Int, limit: Int, for url: String, _ body: () async throws -> Result) async throws -> Result {
        guard bytes <= limit else {
            throw CrawlError(
                .memoryPressure,
                "\(url) would need about \(bytes >> 20) MiB to parse and extract, more than one request may hold "
                    + "(\(limit >> 20) MiB: 5 × --max-body-bytes)"
            )
        }
        let granted = used.withLock { used -> Bool in
            guard bytes <= capacity - used else { return false }
            used += bytes
            return true
        }
        guard granted else {
            throw CrawlError(
                .memoryPressure,
                "\(url) needs about \(bytes >> 20) MiB to parse and extract, more than the request memory free now "
                    + "(\(max(0, capacity - reserved) >> 20) of \(capacity >> 20) MiB, --request-memory); try again later"
            )
        }
        defer { used.withLock { $0 -= bytes } }
        return try await body()
    }
}
