import Engines
import Foundation
import JSON
import Logging
import NIOPosix
import Testing

/// Runs `body` with a started HTTP engine on the shared event loops, closing it afterwards.
///
/// The deadlines `json` leaves out are ten minutes, not the engine's 30 s and 10 s defaults. The whole
/// suite shares two loaded cores on CI, and a starved test once saw a loopback fetch end in `timeout`
/// after 30 s of waiting for a thread, where it checked a TLS failure, a body cap or a refused redirect.
/// Tests about timeouts name their own.
func withHTTPEngine<T>(_ json: JSONValue? = nil, _ body: (HTTPEngine) async throws -> T) async throws -> T {
    var members = json?.objectValue ?? [:]
    for deadline in ["timeout_ms", "connect_timeout_ms"] where members[deadline] == nil {
        members[deadline] = 600_000
    }
    let configuration = try HTTPEngineConfiguration(json: .object(members))
    let engine = HTTPEngine(
        configuration: configuration,
        eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
        logger: Logger(label: "crawld.tests", factory: { _ in SwiftLogNoOpLogHandler() })
    )
    try await engine.start()
    do {
        let result = try await body(engine)
        await engine.close()
        return result
    } catch {
        await engine.close()
        throw error
    }
}

/// The `EngineError` a fetch threw; records an issue when it threw nothing or something else.
func fetchError(_ engine: HTTPEngine, _ url: String, timeout: Duration? = nil) async -> EngineError? {
    do {
        let result = try await engine.fetch(url: url, timeout: timeout)
        Issue.record("expected an error, got status \(result.status)")
    } catch let error as EngineError {
        return error
    } catch {
        Issue.record("expected an EngineError, got \(error)")
    }
    return nil
}

/// The body as a JSON object (the test server's /headers, /echo-cookie, /connections).
func jsonBody(_ result: FetchResult) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(result.body)) as? [String: Any])
}

extension FetchResult {
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// A fresh directory under the system temp dir, removed when dropped.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "crawld-engines-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ contents: String) throws {
        try contents.write(toFile: path + "/" + name, atomically: true, encoding: .utf8)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
