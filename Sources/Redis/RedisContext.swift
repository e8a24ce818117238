import CHiredis

/// Owns one hiredis `redisContext*`; every hiredis call goes through here.
///
/// Not `Sendable`: it lives on the connection's dedicated thread and never
/// leaves it (see `RedisConnection`). `deinit` frees the context, so a lost
/// connection is dropped by dropping this object.
final class RedisContext {
    private let context: UnsafeMutablePointer<redisContext>

    /// Connects (bounded by `timeout`), then sends AUTH and SELECT when configured.
    /// - Throws: `RedisError(.notConnected)` with hiredis's or Redis's message.
    init(configuration: RedisConfiguration) throws(RedisError) {
        let timeout = Self.timeval(configuration.ioTimeout)
        let made: UnsafeMutablePointer<redisContext>?
        switch configuration.endpoint {
        case .tcp(let host, let port): made = redisConnectWithTimeout(host, Int32(port), timeout)
        case .unix(let path): made = redisConnectUnixWithTimeout(path, timeout)
        }
        guard let made else { throw RedisError(.notConnected, "cannot allocate a hiredis context") }
        if made.pointee.err != 0 {
            let message = Self.errorText(made)
            redisFree(made)
            throw RedisError(.notConnected, "connect to \(configuration.endpoint): \(message)")
        }
        // From here on `deinit` frees the context, also when setup below throws.
        context = made
        _ = redisSetTimeout(made, timeout)
        do {
            if let password = configuration.password {
                _ = try command(["AUTH", password])
            }
            if configuration.database != 0 {
                _ = try command(["SELECT", String(configuration.database)])
            }
        } catch {
            throw RedisError(.notConnected, "setup of \(configuration.endpoint): \(error.message)")
        }
    }

    deinit { redisFree(context) }

    /// One command, sent and answered (`redisCommandArgv`).
    /// - Throws: `.connectionLost` on I/O errors, `.serverError` for an error reply.
    func command(_ arguments: [String]) throws(RedisError) -> RedisReply {
        let raw = Self.withArgv(arguments) { argc, argv, lengths in
            redisCommandArgv(context, argc, argv, lengths)
        }
        guard let raw else { throw RedisError(.connectionLost, Self.errorText(context)) }
        let reply = Self.copy(raw.assumingMemoryBound(to: redisReply.self))
        freeReplyObject(raw)
        if case .error(let message) = reply { throw RedisError(.serverError, message) }
        return reply
    }

    /// Sends every command in one write and reads the replies in order (pipelining).
    ///
    /// - Returns: one reply per command read before any I/O error, so the
    ///   caller knows which commands landed; error replies are `.error`.
    /// - Throws: never for error replies; the I/O error is returned alongside.
    func pipeline(_ commands: [[String]]) -> (replies: [RedisReply], failure: RedisError?) {
        for arguments in commands {
            let status = Self.withArgv(arguments) { argc, argv, lengths in
                redisAppendCommandArgv(context, argc, argv, lengths)
            }
            if status != REDIS_OK {
                return ([], RedisError(.connectionLost, Self.errorText(context)))
            }
        }
        var replies: [RedisReply] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReply(context, &raw) == REDIS_OK, let raw else {
                return (replies, RedisError(.connectionLost, Self.errorText(context)))
            }
            replies.append(Self.copy(raw.assumingMemoryBound(to: redisReply.self)))
            freeReplyObject(raw)
        }
        return (replies, nil)
    }

    // MARK: - Crossing into C

    /// Lays the arguments out as the `argc`/`argv`/`argvlen` triple hiredis wants.
    /// Lengths are passed, so arguments may hold any bytes, including NUL.
    private static func withArgv<R>(
        _ arguments: [String],
        _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> R
    ) -> R {
        var storage: [CChar] = []
        var offsets: [Int] = []
        var lengths: [Int] = []
        for argument in arguments {
            offsets.append(storage.count)
            let before = storage.count
            storage.append(contentsOf: argument.utf8.map { CChar(bitPattern: $0) })
            lengths.append(storage.count - before)
        }
        storage.append(0)
        return storage.withUnsafeBufferPointer { bytes in
            var argv: [UnsafePointer<CChar>?] = offsets.map { bytes.baseAddress! + $0 }
            return argv.withUnsafeMutableBufferPointer { argvBuffer in
                lengths.withUnsafeBufferPointer { lengthBuffer in
                    body(Int32(arguments.count), argvBuffer.baseAddress!, lengthBuffer.baseAddress!)
                }
            }
        }
    }

    private static func copy(_ reply: UnsafeMutablePointer<redisReply>) -> RedisReply {
        let r = reply.pointee
        switch r.type {
        case REDIS_REPLY_STRING: return .string(text(r.str, r.len))
        case REDIS_REPLY_STATUS: return .status(text(r.str, r.len))
        case REDIS_REPLY_ERROR: return .error(text(r.str, r.len))
        case REDIS_REPLY_INTEGER: return .integer(Int64(r.integer))
        case REDIS_REPLY_ARRAY:
            var items: [RedisReply] = []
            items.reserveCapacity(r.elements)
            for index in 0..<r.elements {
                if let element = r.element[index] { items.append(copy(element)) }
            }
            return .array(items)
        default: return .null
        }
    }

    private static func text(_ pointer: UnsafeMutablePointer<CChar>?, _ length: Int) -> String {
        guard let pointer else { return "" }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }

    private static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            let end = bytes.firstIndex(of: 0) ?? bytes.count
            let message = String(decoding: bytes[..<end], as: UTF8.self)
            return message.isEmpty ? "connection closed" : message
        }
    }

    private static func timeval(_ duration: Duration) -> timeval {
        let (seconds, attoseconds) = duration.components
        return CHiredis.timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}
