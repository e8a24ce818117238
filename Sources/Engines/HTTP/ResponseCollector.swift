import AsyncHTTPClient
import FoundationEssentials
import NIOCore
import NIOHTTP1
import Synchronization

/// Gathers one response of a fetch where it arrives, on its connection's
/// event loop: the head, when it came, and the body up to `max_body_bytes`,
/// handed to the fetch whole when the response ends.
///
/// Not AsyncHTTPClient's async API (`HTTPClientResponse.Body`), as it once
/// was: there each part of a streamed body woke the fetching task on another
/// thread, and each request scheduled and cancelled a deadline timer of its
/// own (the fetch keeps one deadline, `FetchDeadlines`). Here the fetch is
/// resumed once, with the whole response.
///
/// A redirect that will be followed keeps no body: it is read only so that
/// its connection can serve the next request, and one past 64 KiB is
/// abandoned (`AbandonedRedirectBody`, its connection closed).
final class ResponseCollector: HTTPClientResponseDelegate {
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
    private let state = Mutex(State())

    private struct State {
        var head: HTTPResponseHead?
        var headArrived = ContinuousClock.now
        var isFollowedRedirect = false
        var redirectBytes = 0
        var body: [UInt8] = []
    }

    /// - Parameters:
    ///   - url: the request's URL, for the body cap's message.
    ///   - configuration: the cap, whether bodies are decompressed and whether redirects are followed.
    init(url: URL, configuration: HTTPEngineConfiguration) {
        self.url = url
        cap = configuration.maxBodyBytes
        decompression = configuration.decompression
        followRedirects = configuration.followRedirects
    }

    /// True when `head` is a redirect this fetch follows (it names where to).
    private func isFollowedRedirect(_ head: HTTPResponseHead) -> Bool {
        followRedirects && Self.redirectStatuses.contains(head.status.code) && head.headers.contains(name: "location")
    }

    func didReceiveHead(task: HTTPClient.Task<Response>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        let arrived = ContinuousClock.now
        let redirect = isFollowedRedirect(head)
        let declared = head.headers.first(name: "content-length").flatMap(Int.init)
        let encoded = head.headers.first(name: "content-encoding").map { $0.lowercased() != "identity" } ?? false
        if !redirect, let declared, declared > cap, !(encoded && decompression) {
            return task.eventLoop.makeFailedFuture(HTTPEngine.bodyTooLarge(cap, url))
        }
        state.withLock { state in
            state.head = head
            state.headArrived = arrived
            state.isFollowedRedirect = redirect
            if !redirect { state.body.reserveCapacity(min(declared ?? 16 * 1024, cap)) }
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Response>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        let failure: (any Error)? = state.withLock { state in
            if state.isFollowedRedirect {
                state.redirectBytes += buffer.readableBytes
                guard state.redirectBytes > Self.redirectBodyCap, let head = state.head else { return nil }
                return AbandonedRedirectBody(response: Response(head: head, body: [], headArrived: state.headArrived))
            }
            guard state.body.count + buffer.readableBytes <= cap else { return HTTPEngine.bodyTooLarge(cap, url) }
            state.body.append(contentsOf: buffer.readableBytesView)
            return nil
        }
        if let failure { return task.eventLoop.makeFailedFuture(failure) }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    /// The task's future carries the error; nothing is kept here.
    func didReceiveError(task: HTTPClient.Task<Response>, _ error: any Error) {}

    func didFinishRequest(task: HTTPClient.Task<Response>) throws -> Response {
        try state.withLock { state in
            guard let head = state.head else {
                throw EngineError(.protocolError, "the response from \(url.absoluteString) ended before its head")
            }
            var body: [UInt8] = []
            swap(&body, &state.body)
            return Response(head: head, body: body, headArrived: state.headArrived)
        }
    }
}
