import JSON
import NIOCore

/// Lines longer than this are decoded on a child task, so that one big
/// request does not hold up the small ones read with it.
private let largeLineBytes = 16 * 1024

/// One client connection: batches of lines in, one final answer line per request out.
extension LineServer {
    func serve(_ connection: Connection) async {
        let open = counters.connections.wrappingAdd(1, ordering: .relaxed).newValue
        defer { counters.connections.wrappingSubtract(1, ordering: .relaxed) }
        let session = connection.session
        let channel = connection.channel
        do {
            try await connection.wrapped().executeThenClose { inbound, outbound in
                if open > configuration.maximumConnections {
                    let error = ProtocolError(.busy, "too many connections (limit \(configuration.maximumConnections)); try again later")
                    try await outbound.write(ByteBuffer(bytes: AnswerLine.failure(id: .null, error)))
                    return
                }
                await serveRequests(inbound: inbound, outbound: outbound, session: session, isWritable: { channel.isWritable })
            }
        } catch {
            // Closed here too when it could not be wrapped (it closed as it was served).
            channel.close(promise: nil)
            logger.debug("connection closed", metadata: ["crawld.connection": "\(session.connectionID)", "crawld.error": "\(error)"])
        }
    }

    /// Answers every request of the connection exactly once.
    ///
    /// For each line a slot of the in-flight cap is taken first. When none is
    /// free, the answers gathered so far are written and the loop waits for a
    /// slot without pulling the stream, so NIO stops reading the socket:
    /// backpressure, never a refusal. Lines that cannot be decoded and
    /// requests the dispatcher `runsInline` are answered here, into `answers`;
    /// the others get a child task that writes its own answer and keeps its
    /// slot until the write is accepted, so a client that does not read ends
    /// up with every slot held and is read no further. `answers` goes out in
    /// one write and flush per batch, and before any wait. An inline request
    /// that asked for the connection to end (`Session.closeAfterAnswer`, e.g.
    /// the last wrong token allowed) stops the loop once answered: what the
    /// client sent after it is not run.
    private func serveRequests(
        inbound: NIOAsyncChannelInboundStream<[InboundLine]>,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
        session: Session,
        isWritable: @escaping @Sendable () -> Bool
    ) async {
        let limiter = InflightLimiter(limit: configuration.maximumInflightPerConnection)
        let write: @Sendable ([UInt8]) async throws -> Void = { bytes in try await outbound.write(ByteBuffer(bytes: bytes)) }
        await withDiscardingTaskGroup { group in
            var answers: [UInt8] = []
            // Answered here but not yet written: they stay in flight until
            // written, so a drain does not close the connection under them.
            var unsent = 0
            func send() async -> Bool {
                defer {
                    answers.removeAll(keepingCapacity: true)
                    counters.inflight.wrappingSubtract(unsent, ordering: .relaxed)
                    unsent = 0
                }
                guard !answers.isEmpty else { return true }
                do {
                    try await write(answers)
                    return true
                } catch {
                    return false
                }
            }
            do {
                batches: for try await batch in inbound {
                    for item in batch {
                        if !limiter.tryAcquire() {
                            guard await send() else { break batches }
                            await limiter.acquire()
                            if Task.isCancelled { break batches }
                        }
                        counters.inflight.wrappingAdd(1, ordering: .relaxed)
                        let decoded = item.isLarge ? nil : decode(item)
                        if let decoded, answersInline(decoded) {
                            await answer(decoded, session: session, isWritable: isWritable, write: write, into: &answers)
                            limiter.release()
                            unsent += 1
                            if session.isClosing { break batches }
                            continue
                        }
                        group.addTask {
                            var line: [UInt8] = []
                            await self.answer(decoded ?? self.decode(item), session: session, isWritable: isWritable, write: write, into: &line)
                            try? await write(line)
                            limiter.release()
                            self.counters.inflight.wrappingSubtract(1, ordering: .relaxed)
                        }
                    }
                    guard await send() else { break }
                }
            } catch {
                logger.debug("connection input failed", metadata: ["crawld.connection": "\(session.connectionID)", "crawld.error": "\(error)"])
            }
            _ = await send()
        }
    }

    // MARK: - One request

    /// The request on a line, or the error answer it gets without running:
    /// `line_too_long`, `bad_json`, `bad_request`, or `shutting_down` while draining.
    private func decode(_ item: InboundLine) -> Result<Request, RequestDecodingError> {
        guard case .line(let line) = item else {
            let error = ProtocolError(.lineTooLong, "line longer than \(configuration.maximumLineBytes) bytes; the rest of it was discarded")
            return .failure(RequestDecodingError(id: .null, error: error))
        }
        let value: JSONValue
        do {
            value = try line.withUnsafeReadableBytes { raw in Result { () throws(JSONParseError) in try JSONValue.parse(raw) } }.get()
        } catch {
            return .failure(RequestDecodingError(id: .null, error: ProtocolError(.badJSON, "not valid JSON: \(error)")))
        }
        let request: Request
        do {
            request = try Request(decoding: value)
        } catch {
            return .failure(error)
        }
        if counters.draining.load(ordering: .acquiring) {
            let error = ProtocolError(.shuttingDown, "crawld is shutting down; send this request to another instance or retry after restart")
            return .failure(RequestDecodingError(id: request.id, error: error))
        }
        return .success(request)
    }

    private func answersInline(_ decoded: Result<Request, RequestDecodingError>) -> Bool {
        switch decoded {
        case .failure: return true
        case .success(let request): return dispatcher.runsInline(request)
        }
    }

    /// Appends the one final line of this request to `output`.
    private func answer(
        _ decoded: Result<Request, RequestDecodingError>,
        session: Session,
        isWritable: @escaping @Sendable () -> Bool,
        write: @escaping @Sendable ([UInt8]) async throws -> Void,
        into output: inout [UInt8]
    ) async {
        let request: Request
        switch decoded {
        case .failure(let refused):
            AnswerLine.appendFailure(id: refused.id, refused.error, to: &output)
            return
        case .success(let decodedRequest):
            request = decodedRequest
        }
        let context = RequestContext(session: session, events: EventSink(id: request.id, isWritable: isWritable, write: write))
        do {
            AnswerLine.appendSuccess(id: request.id, try await dispatcher.dispatch(request, context: context), to: &output)
        } catch {
            AnswerLine.appendFailure(id: request.id, error, to: &output)
        }
    }
}

extension InboundLine {
    fileprivate var isLarge: Bool {
        if case .line(let line) = self { return line.readableBytes > largeLineBytes }
        return false
    }
}
