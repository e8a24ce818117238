import Foundation
import JSON
import Testing
import TestSupport

/// deploy/'s command lines run as written, as far as a machine without
/// systemd as PID 1 or `docker compose` allows: crawld@.service's
/// `ExecStart` (its `Environment=` lines, `%i`, `%H`, `${VAR}` and `$VAR`
/// expanded as systemd does) and compose.yaml's `command` (through `sh -c`,
/// `$$` unescaped as compose does), each against a real redis-server. Only
/// what differs on a test machine is put in: the binary's path, the folders,
/// the Redis address and the port. Under the unit's `NOTIFY_SOCKET` and
/// `WatchdogSec` crawld says `READY=1`, beats, joins the cluster under the
/// unit's instance id, and at its `KillSignal` says `STOPPING=1` and exits 0
/// within `TimeoutStopSec`.
@Suite struct DeployFilesTests {
    private static let deploy = DaemonProcess.repositoryRoot.appendingPathComponent("deploy")

    /// The unit's `Key=value` lines in order, continuation lines joined, comments and sections dropped.
    private static func directives(_ unit: String) -> [(key: String, value: String)] {
        unit.replacingOccurrences(of: "\\\n", with: " ").split(separator: "\n").compactMap { line in
            let line = line.trimmingCharacters(in: .whitespaces)
            guard !line.hasPrefix("#"), !line.hasPrefix("["), let equals = line.firstIndex(of: "=") else { return nil }
            return (String(line[..<equals]), String(line[line.index(after: equals)...]))
        }
    }

    /// `ExecStart` as systemd runs it: specifiers, then `${VAR}` as one word and `$VAR` split at whitespace.
    private static func command(_ line: String, instance: String, host: String, environment: [String: String]) -> [String] {
        let expanded = line.replacingOccurrences(of: "%i", with: instance).replacingOccurrences(of: "%H", with: host)
        return expanded.split(separator: " ").flatMap { word -> [String] in
            if word.hasPrefix("${"), word.hasSuffix("}") { return [environment[String(word.dropFirst(2).dropLast())] ?? ""] }
            if word.hasPrefix("$") { return (environment[String(word.dropFirst())] ?? "").split(separator: " ").map(String.init) }
            return [String(word)]
        }
    }

    /// What `%H` and `$(hostname)` give: the kernel's host name.
    private static var hostname: String {
        var name = [CChar](repeating: 0, count: 256)
        gethostname(&name, name.count)
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The machine's folders in place of the unit's and image's.
    private static func relocated(_ text: String, _ folder: TemporaryDirectory) -> String {
        text.replacingOccurrences(of: "/etc/crawld", with: ScriptFolder.shipped)
            .replacingOccurrences(of: "/srv/crawld/output", with: folder.url.appendingPathComponent("output").path)
            .replacingOccurrences(of: "/var/lib/crawld", with: folder.url.appendingPathComponent("state").path)
    }

    @Test func theUnitsCommandLineStartsNotifiesAndStopsUnderSystemdsProtocol() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let redis = try RedisServer()
        try redis.start()
        let directives = Self.directives(try String(contentsOf: Self.deploy.appendingPathComponent("crawld@.service"), encoding: .utf8))
        func value(_ key: String) -> String? { directives.last { $0.key == key }?.value }
        #expect(value("Type") == "notify")
        #expect(value("KillSignal") == "SIGTERM")
        var environment: [String: String] = [:]
        for line in directives where line.key == "Environment" {
            let pair = line.value.split(separator: "=", maxSplits: 1).map(String.init)
            environment[pair[0]] = pair[1]
        }
        #expect(environment["CRAWLD_REDIS"] != nil, "the unit names the cluster's Redis")
        // What /etc/crawld/%i.env sets on this machine.
        environment["CRAWLD_REDIS"] = redis.url
        let port = String(try RedisServer.freePort())
        let host = Self.hostname
        let words = Self.command(try #require(value("ExecStart")), instance: port, host: host, environment: environment)
        #expect(words.first == "/usr/local/bin/crawld")
        let arguments = words.dropFirst().map { Self.relocated($0, folder) }
        // What StateDirectory= makes and the shared volume is.
        for name in ["output", "state/\(port)"] {
            try FileManager.default.createDirectory(at: folder.url.appendingPathComponent(name), withIntermediateDirectories: true)
        }

        let socket = folder.url.appendingPathComponent("notify").path
        let receiver = try UnixDatagramReceiver(path: socket)
        let watchdogSeconds = try #require(value("WatchdogSec").flatMap { Int($0) })
        let stopSeconds = try #require(value("TimeoutStopSec").flatMap { Int($0) })
        environment["NOTIFY_SOCKET"] = socket
        environment["WATCHDOG_USEC"] = String(watchdogSeconds * 1_000_000)
        let daemon = try await DaemonProcess.start(arguments: Array(arguments), environment: environment)
        defer { Task { await daemon.stop() } }
        #expect(daemon.port == Int(port))
        #expect(await pollUntil(seconds: 60) { receiver.drain().contains("READY=1") })
        let client = try await daemon.connect()
        #expect(try await pollUntil(seconds: 60) { try await instanceIDs(client).contains("\(host)-\(port)") })
        await client.close()
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit(timeout: .seconds(Int64(stopSeconds))) == 0)
        #expect(receiver.drain().contains("STOPPING=1"))
    }

    @Test func theComposeCommandStartsAReplicaUnderItsHostname() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let redis = try RedisServer()
        try redis.start()
        let compose = try String(contentsOf: Self.deploy.appendingPathComponent("compose.yaml"), encoding: .utf8)
        // The folded scalar after `command: >`: its lines joined by spaces, `$$` unescaped.
        let lines = compose.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == "command: >" })
        let indent = lines[start].prefix { $0 == " " }.count
        let body = lines[(start + 1)...].prefix { $0.prefix { $0 == " " }.count > indent && !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        let command = body.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ").replacingOccurrences(of: "$$", with: "$")
        // Compose splits a string command as a shell would, without one: `sh`, `-c` and the quoted script.
        let prefix = "sh -c '"
        #expect(command.hasPrefix(prefix + "exec crawld ") && command.hasSuffix("'"), "\(command)")
        let script = String(command.dropFirst(prefix.count).dropLast())
        #expect(script.contains("redis://redis:6379/0"), "replicas reach Redis by its service name")
        let port = try RedisServer.freePort()
        let local = Self.relocated(script, folder).replacingOccurrences(of: "redis://redis:6379/0", with: redis.url)
            .replacingOccurrences(of: "0.0.0.0:7070", with: "127.0.0.1:\(port)")
        let path = DaemonProcess.binary.deletingLastPathComponent().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        var environment = ["PATH": path]
        for line in compose.split(separator: "\n") where line.contains("CRAWLD_") && line.contains(": ") {
            let pair = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            environment[pair[0]] = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
        #expect(environment["CRAWLD_REDIS_TTL_HEARTBEAT"] != nil)
        // crawld fetches any URL a client names: without --token-file its port is published on loopback only.
        let ports = try #require(lines.first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("ports:") })
        #expect(ports.contains("[\"127.0.0.1::7070\"]"), "\(ports)")
        // What the image's Dockerfile makes.
        for name in ["output", "state"] {
            try FileManager.default.createDirectory(at: folder.url.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        let daemon = try await DaemonProcess.start(executable: URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", local], environment: environment)
        defer { Task { await daemon.stop() } }
        let client = try await daemon.connect()
        #expect(try await pollUntil(seconds: 60) { try await instanceIDs(client) == [Self.hostname] })
        await client.close()
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit(timeout: .seconds(60)) == 0, "crawld, exec'd by sh, gets compose's stop signal itself")
    }
}

/// The ids `monitor.cluster` lists.
private func instanceIDs(_ client: LineClient) async throws -> [String] {
    let instances = try await client.request(["op": "monitor.cluster"]).answer["instances"]?.arrayValue ?? []
    return instances.compactMap { $0.objectValue?["id"]?.stringValue }
}
