import Foundation
import JSON

/// Tests/Servers/webhookreceiver.py as a subprocess on a free loopback port:
/// it fails the first `fail` POSTs (or hangs on every one), then accepts, and
/// checks each signature with Python's own HMAC.
public final class WebhookReceiver: Sendable {
    private let server: ScriptServer
    private let logPath: String

    /// The URL webhooks are POSTed to.
    public var url: String { "http://127.0.0.1:\(server.port)/hook" }

    /// - Parameter log: the file each POST is appended to, as one JSON line.
    public init(log: String, secret: String? = nil, fail: Int = 0, hang: Bool = false) throws {
        var arguments = ["--log", log, "--fail", String(fail)]
        if let secret { arguments += ["--secret", secret] }
        if hang { arguments.append("--hang") }
        logPath = log
        server = try ScriptServer("webhookreceiver.py", arguments)
    }

    /// The POSTs received so far: `event`, `delivery`, `signature_valid`, `body`.
    public func received() throws -> [JSONObject] {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").compactMap { try JSONValue.parse(String($0)).objectValue }
    }
}
