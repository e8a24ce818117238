import FoundationEssentials
import NIOCore
import NIOHTTP1

/// One response of a fetch as it arrives: the head, when it came, and the
/// body up to `max_body_bytes`, handed over whole when the response ends.
/// Both ways a fetch goes out fill one: `ResponseCollector` (AsyncHTTPClient)
/// and `HTTP1Connection` (plain HTTP), so the caps are the same on either.
///
/// A redirect that will be followed keeps no body: it is read only so that
/// its connection can serve the next request, and one past 64 KiB is
/// abandoned (`AbandonedRedirectBody`, its connection closed).
struct ResponseAccumulator {
    struct Response: Sendable {
        let head: HTTPResponseHead
        /// Empty for a redirect that is followed.
        let body: [UInt8]
        /// When the head arrived: the fetch's time to first byte.
        let headArrived: ContinuousClock.Instant
    }

    /// A followed redirect whose body passed 64 KiB; the redirect is still followed.
    struct AbandonedRedirectBody: Error {
        let response: Response
    }

    static let redirectStatuses: Set<UInt> = [301, 302, 303, 307, 308]
    static let redirectBodyCap = 64 * 1024

    private let url: URL
    private let cap: Int
    private let decompression: Bool
    private let followRedirects: Bool
    private var head: HTTPResponseHead?
    private var headArrived = ContinuousClock.now
    private var isFollowedRedirect = false
    private var redirectBytes = 0
    private var body: [UInt8] = []

    /// - Parameters:
    ///   - url: the request's URL, for the body cap's message.
    ///   - configuration: the cap, whether bodies are decompressed and whether redirects are followed.
    init(url: URL, configuration: HTTPEngineConfiguration) {
        self.url = url
        cap = configuration.maxBodyBytes
        decompression = configuration.decompression
        followRedirects = configuration.followRedirects
    }

    /// Takes the head; throws `bodyTooLarge` when its declared length already passes the cap.
    mutating func receive(_ head: HTTPResponseHead) throws {
        let arrived = ContinuousClock.now
        let redirect =
            followRedirects && Self.redirectStatuses.contains(head.status.code) && head.headers.contains(name: "location")
        let declared = head.headers.first(name: "content-length").flatMap(Int.init)
        let encoded = head.headers.first(name: "content-encoding").map { $0.lowercased() != "identity" } ?? false
        if !redirect, let declared, declared > cap, !(encoded && decompression) {
            throw HTTPEngine.bodyTooLarge(cap, url)
        }
        self.head = head
        headArrived = arrived
        isFollowedRedirect = redirect
        if !redirect { body.reserveCapacity(min(declared ?? 16 * 1024, cap)) }
    }

    /// Takes a part of the body; throws `bodyTooLarge` past the cap, or
    /// `AbandonedRedirectBody` when a followed redirect's body passes 64 KiB.
    mutating func receive(_ part: ByteBuffer) throws {
        if isFollowedRedirect {
            redirectBytes += part.readableBytes
            guard redirectBytes > Self.redirectBodyCap, let head else { return }
            throw AbandonedRedirectBody(response: Response(head: head, body: [], headArrived: headArrived))
        }
        guard body.count + part.readableBytes <= cap else { throw HTTPEngine.bodyTooLarge(cap, url) }
        body.append(contentsOf: part.readableBytesView)
    }

    /// The whole response, once it has ended; the body moves out.
    mutating func finish() throws -> Response {
        guard let head else {
            throw EngineError(.protocolError, "the response from \(url.absoluteString) ended before its head")
        }
        var whole: [UInt8] = []
        swap(&whole, &body)
        return Response(head: head, body: whole, headArrived: headArrived)
    }
}
