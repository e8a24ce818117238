import Foundation

/// nginx serving a folder of static files on a free loopback port: real ETag
/// and Last-Modified headers, real 304s to conditional requests, and an access
/// log a test reads for what was asked and how many body bytes went out.
public final class NginxServer: @unchecked Sendable {
    private let process = Process()
    public let port: Int
    /// The folder served at `/`; tests write and remove files in it between crawls.
    public let root: URL
    private let directory: URL

    public var base: String { "http://127.0.0.1:\(port)" }

    /// One access-log line: the status, the body bytes sent and the request's path.
    public struct Access: Sendable, Equatable {
        public let status: Int
        public let bytes: Int
        public let path: String
    }

    /// Starts nginx (one process, no daemon) and waits until it answers.
    public init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("crawld-nginx-\(UUID().uuidString)")
        root = directory.appendingPathComponent("site")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        port = try RedisServer.freePort()
        let folder = directory.path
        let configuration = """
            daemon off; master_process off; worker_processes 1; pid \(folder)/nginx.pid; error_log \(folder)/error.log;
            events { worker_connections 256; }
            http {
                types { text/html html; application/xml xml; application/gzip gz; text/plain txt; }
                log_format counted '$status $body_bytes_sent $request_uri';
                access_log \(folder)/access.log counted;
                client_body_temp_path \(folder)/body; proxy_temp_path \(folder)/proxy; fastcgi_temp_path \(folder)/fastcgi;
                uwsgi_temp_path \(folder)/uwsgi; scgi_temp_path \(folder)/scgi;
                server { listen 127.0.0.1:\(port); root \(root.path); }
            }
            """
        let configPath = directory.appendingPathComponent("nginx.conf")
        try configuration.write(to: configPath, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/nginx")
        process.arguments = ["-e", "\(folder)/error.log", "-p", folder, "-c", configPath.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            if (try? String(contentsOf: URL(fileURLWithPath: "\(folder)/nginx.pid"), encoding: .utf8)) != nil, Self.answers(port) { return }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        let log = (try? String(contentsOf: URL(fileURLWithPath: "\(folder)/error.log"), encoding: .utf8)) ?? ""
        throw LineClientError(message: "nginx did not start on port \(port): \(log)")
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        ProcessExit.wait(for: process)
        try? FileManager.default.removeItem(at: directory)
    }

    /// Writes `contents` to `path` under the root, making folders as needed.
    public func write(_ path: String, _ contents: [UInt8]) throws {
        let file = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents).write(to: file)
    }

    public func write(_ path: String, _ text: String) throws { try write(path, Array(text.utf8)) }

    public func remove(_ path: String) throws { try FileManager.default.removeItem(at: root.appendingPathComponent(path)) }

    /// Every request so far, in the order nginx logged them.
    public func accesses() -> [Access] {
        let text = (try? String(contentsOf: directory.appendingPathComponent("access.log"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ", maxSplits: 2)
            guard parts.count == 3, let status = Int(parts[0]), let bytes = Int(parts[1]) else { return nil }
            return Access(status: status, bytes: bytes, path: String(parts[2]))
        }
    }

    private static func answers(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}
