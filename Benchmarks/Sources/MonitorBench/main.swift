// MonitorBench: what recording costs with Redis persistence on and off, and
// how many Redis round trips 1,000 requests cost after batching.
//
// Starts its own redis-server on a free loopback port (like the tests).
// Usage: swift run -c release MonitorBench [requests-per-run] [runs]
import Foundation
import Logging
import Monitor
import Redis

let requestsPerRun = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 200_000 : 200_000
let runs = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2]) ?? 5 : 5

/// A throwaway redis-server, no persistence, killed at exit.
final class BenchRedis {
    let process = Process()
    let port: Int
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("monitorbench-\(UUID().uuidString)")

    init() throws {
        port = 20_000 + Int.random(in: 0..<20_000)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/redis-server")
        process.arguments = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--dir", directory.path]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        for _ in 0..<200 where (try? cli("PING")) != "PONG" { usleep(50_000) }
    }

    func cli(_ arguments: String...) throws -> String {
        let client = Process()
        client.executableURL = URL(fileURLWithPath: "/usr/bin/redis-cli")
        client.arguments = ["-p", String(port)] + arguments
        let pipe = Pipe()
        client.standardOutput = pipe
        try client.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        while client.isRunning { usleep(1000) }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Commands Redis has executed so far (INFO commandstats, minus INFO itself).
    func commandCount() throws -> Int {
        try cli("INFO", "commandstats").split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("cmdstat_info") }.reduce(0) { total, line in
            guard let calls = line.split(separator: "=").dropFirst().first?.split(separator: ",").first, let n = Int(calls) else { return total }
            return total + n
        }
    }

    deinit {
        process.terminate()
        try? FileManager.default.removeItem(at: directory)
    }
}

func makeMonitor(redisURL: String?) throws -> (Monitor, RedisConnection?) {
    var logger = Logger(label: "bench")
    logger.logLevel = .warning
    let redis = try redisURL.map { RedisConnection(configuration: try RedisConfiguration(url: $0), logger: logger) }
    let configuration = MonitorConfiguration(instanceID: try InstanceID("bench"), version: "bench", listen: "127.0.0.1:0")
    return (Monitor(configuration: configuration, redis: redis, logger: logger, memoryPercent: { 40 }), redis)
}

func record(_ monitor: Monitor, index: Int) {
    let token = monitor.recordStart(op: index % 10 == 0 ? "ping" : "crawl", requestID: String(index), url: "http://127.0.0.1/page/\(index)")
    monitor.recordEnd(token, outcome: MonitorOutcome(success: index % 50 != 0, errorCode: index % 50 == 0 ? "fetch_failed" : nil, status: 200, poolHit: true))
}

/// Requests recorded per second, flat out, with the monitor's flush loop running.
func throughput(redisURL: String?) async throws -> Double {
    let (monitor, _) = try makeMonitor(redisURL: redisURL)
    let task = Task { try await monitor.run() }
    try await Task.sleep(for: .milliseconds(300))
    let start = ContinuousClock.now
    for i in 0..<requestsPerRun { record(monitor, index: i) }
    let elapsed = ContinuousClock.now - start
    monitor.stop()
    _ = try await task.value
    return Double(requestsPerRun) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}

/// Round trips and Redis commands per 1,000 requests at a paced rate (requests/s) over `seconds`.
func roundTrips(server: BenchRedis, rate: Int, seconds: Int) async throws -> (roundTrips: Double, commands: Double) {
    let (monitor, redis) = try makeMonitor(redisURL: "redis://127.0.0.1:\(server.port)")
    let task = Task { try await monitor.run() }
    try await Task.sleep(for: .milliseconds(500))
    let tripsBefore = redis!.currentStatus.roundTrips
    let commandsBefore = try server.commandCount()
    let total = rate * seconds
    let tick = Duration.milliseconds(10)
    let perTick = max(1, rate / 100)
    var done = 0
    var next = ContinuousClock.now
    while done < total {
        for _ in 0..<min(perTick, total - done) {
            record(monitor, index: done)
            done += 1
        }
        next += tick
        try await Task.sleep(until: next)
    }
    try await Task.sleep(for: .milliseconds(300))
    let trips = redis!.currentStatus.roundTrips - tripsBefore
    let commands = try server.commandCount() - commandsBefore
    monitor.stop()
    _ = try await task.value
    return (Double(trips) * 1000 / Double(total), Double(commands) * 1000 / Double(total))
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

let server = try BenchRedis()
var on: [Double] = []
var off: [Double] = []
for _ in 0..<runs {
    off.append(try await throughput(redisURL: nil))
    on.append(try await throughput(redisURL: "redis://127.0.0.1:\(server.port)"))
}
print("recording throughput, \(requestsPerRun) requests x \(runs) runs (median):")
print(String(format: "  redis off: %10.0f req/s", median(off)))
print(String(format: "  redis on : %10.0f req/s  (%.1f%% of off)", median(on), median(on) / median(off) * 100))
print("redis round trips per 1,000 requests (paced, default flush interval):")
for rate in [100, 200, 1_000, 5_000, 20_000] {
    let (trips, commands) = try await roundTrips(server: server, rate: rate, seconds: 3)
    print(String(format: "  %6d req/s: %6.1f round trips, %7.1f commands (INFO commandstats)", rate, trips, commands))
}
// Globals are not deinitialised at exit: stop the server here.
server.process.terminate()
server.process.waitUntilExit()
try? FileManager.default.removeItem(at: server.directory)
