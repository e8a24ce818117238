import AsyncHTTPClient
import FoundationEssentials
import NIOCore
import NIOHTTP1
import Synchronization

/// Gathers one AsyncHTTPClient response where it arrives, on its
/// connection's event loop, into a `ResponseAccumulator`, and hands it to the
/// fetch whole when the response ends.
///
/// Not AsyncHTTPClient's async API (`HTTPClientResponse.Body`), as it once
/// was: there each part of a streamed body woke the fetching task on another
/// thread, and each request scheduled and cancelled a deadline timer of its
/// own (the fetch keeps one deadline, `FetchDeadlines`). Here the fetch is
/// resumed once, with the whole response.
final class ResponseCollector: HTTPClientResponseDelegate {
    typealias Response = ResponseAccumulator.Response

    private let state: Mutex<ResponseAccumulator>

    /// - Parameters:
    ///   - url: the request's URL, for the body cap's message.
    ///   - configuration: the cap, whether bodies are decompressed and whether redirects are followed.
    init(url: URL, configuration: HTTPEngineConfiguration) {
        state = Mutex(ResponseAccumulator(url: url, configuration: configuration))
    }

    func didReceiveHead(task: HTTPClient.Task<Response>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        do {
            try state.withLock { try $0.receive(head) }
            return task.eventLoop.makeSucceededVoidFuture()
        } catch {
            return task.eventLoop.makeFailedFuture(error)
        }
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Response>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        do {
            try state.withLock { try $0.receive(buffer) }
            return task.eventLoop.makeSucceededVoidFuture()
        } catch {
            return task.eventLoop.makeFailedFuture(error)
        }
    }

    /// The task's future carries the error; nothing is kept here.
    func didReceiveError(task: HTTPClient.Task<Response>, _ error: any Error) {}

    func didFinishRequest(task: HTTPClient.Task<Response>) throws -> Response {
        try state.withLock { try $0.finish() }
    }
}
