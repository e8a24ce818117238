import Foundation
import JSON
import Testing
import TestSupport

/// Job outputs and job lifetimes through the real binary (issues 19.9, 19.10,
/// 20.2): a running job's file is its own however a client spells the path,
/// directories are made only inside `--output-dir`, finished jobs hold no
/// descriptor and are remembered within `--jobs-keep`, and running out of
/// descriptors is a `busy` answer, never a crash.
@Suite(.serialized) struct DaemonJobFilesTests {
    private func submit(_ client: LineClient, _ parameters: JSONObject) async throws -> JSONObject {
        var request = parameters
        request["op"] = "job.submit"
        return try await client.request(.object(request)).answer
    }

    /// The site holds the fourth page until the refusals are checked, so the victim is still running then.
    @Test func overwriteCannotTruncateARunningJobsOutput() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let site = try JobSiteServer(pages: 30, holdAfter: 3)
        let daemon = try await DaemonProcess.startForJobs(in: folder)
        defer { Task { await daemon.stop() } }
        let client = try await daemon.connect()
        let seed: JSONValue = .string(site.base + "/p/0.html")
        let victim = try #require(try await submit(client, ["urls": [seed], "concurrency": 1, "output": "victim.jsonl"])["job"]?.stringValue)
        _ = try await pollUntil(seconds: 60) { (try await jobStatus(client, victim)["crawled"]?.intValue ?? 0) >= 3 }
        for spelling in ["./victim.jsonl", ".//victim.jsonl", "sub/../victim.jsonl"] {
            let refused = try await submit(client, ["urls": [seed], "output": .string(spelling), "overwrite": true])
            #expect(refused["ok"] == false && refused["error"]?.objectValue?["code"] == "bad_request", "\(spelling): \(refused)")
        }
        #expect(try await jobStatus(client, victim)["state"] == "running", "the victim must still be running for this test to mean anything")
        try await site.release()
        _ = try await pollUntil(seconds: 120) { try await jobStatus(client, victim)["state"] == "completed" }
        let bytes = try Data(contentsOf: folder.url.appendingPathComponent("output/victim.jsonl"))
        #expect(!bytes.contains(0))
        let lines = bytes.split(separator: UInt8(ascii: "\n"))
        #expect(lines.count == 30 && lines.allSatisfy { (try? JSONValue.parse(Array($0))) != nil })
        let results = try await client.request(["op": "job.results", "job": .string(victim), "limit": 1000]).answer
        #expect(results["ok"] == true && results["records"]?.arrayValue?.count == 30 && results["total"] == 30)
        await client.close()
    }

    @Test func noDirectoryIsMadeThroughASymlinkOut() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let output = folder.url.appendingPathComponent("output").path
        let elsewhere = folder.url.appendingPathComponent("elsewhere").path
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: output + "/link", withDestinationPath: elsewhere)
        let daemon = try await DaemonProcess.startForJobs(in: folder)
        defer { Task { await daemon.stop() } }
        let client = try await daemon.connect()
        let refused = try await submit(client, ["urls": ["http://127.0.0.1:9/"], "output": "link/sub/out.jsonl"])
        let error = refused["error"]?.objectValue
        #expect(error?["code"] == "bad_request" && error?["message"]?.stringValue?.contains("symlink") == true, "\(refused)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)
        await client.close()
    }

    /// 200 one-page jobs: descriptors after the last are those after the 20th,
    /// and only the last `--jobs-keep` are remembered (and kept on disk).
    @Test func finishedJobsHoldNoDescriptorsAndAreForgottenPastJobsKeep() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let site = try JobSiteServer(pages: 3)
        let daemon = try await DaemonProcess.startForJobs(in: folder, ["--jobs-keep", "50"])
        defer { Task { await daemon.stop() } }
        let client = try await daemon.connect()
        var jobs: [String] = []
        var early = 0
        for n in 0..<200 {
            let answer = try await submit(
                client, ["urls": [.string(site.base + "/p/\(n % 3).html")], "follow_links": false, "output": .string("\(n).jsonl"), "watch": true])
            #expect(answer["state"] == "completed", "\(answer)")
            jobs.append(try #require(answer["job"]?.stringValue))
            if n == 19 { early = try openDescriptors(daemon.pid) }
        }
        let late = try openDescriptors(daemon.pid)
        #expect(late <= early + 8, "descriptors grew from \(early) after 20 jobs to \(late) after 200")
        // The last job's answer may come just before its runner hands over to the finished jobs.
        let state = folder.url.appendingPathComponent("state/jobs").path
        var (listed, stored) = (0, 0)
        let trimmed = try await pollUntil(seconds: 10) {
            listed = try await client.request(["op": "job.list"]).answer["jobs"]?.arrayValue?.count ?? 0
            stored = try FileManager.default.contentsOfDirectory(atPath: state).count
            return listed == 50 && stored == 50
        }
        #expect(trimmed, "job.list has \(listed) jobs, --state-dir \(stored) checkpoints")
        let forgotten = try await jobStatus(client, jobs[0])
        #expect(forgotten["error"]?.objectValue?["code"] == "not_found")
        #expect(try await jobStatus(client, jobs[199])["state"] == "completed")
        await client.close()
    }

    /// The daemon's descriptor limit is lowered under it: submits past it
    /// answer `busy`, the daemon keeps answering, and once jobs end there is room again.
    @Test func runningOutOfDescriptorsIsBusyNotACrash() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let site = try JobSiteServer(pages: 40, latencyMs: 300)
        let daemon = try await DaemonProcess.startForJobs(in: folder, ["--max-running-jobs", "1000"])
        defer { Task { await daemon.stop() } }
        let client = try await daemon.connect()
        let limit = try openDescriptors(daemon.pid) + 12
        try setDescriptorLimit(daemon.pid, limit)
        var started: [String] = []
        var busy = 0
        for n in 0..<40 {
            let answer = try await submit(client, ["urls": [.string(site.base + "/p/0.html")], "concurrency": 2, "output": .string("\(n).jsonl")])
            if let job = answer["job"]?.stringValue {
                started.append(job)
            } else {
                #expect(answer["error"]?.objectValue?["code"] == "busy", "\(answer)")
                busy += 1
            }
        }
        #expect(busy > 0 && !started.isEmpty, "the limit of \(limit) descriptors was never reached")
        #expect(try await client.request(["op": "ping"]).answer["ok"] == true)
        for job in started { _ = try await client.request(["op": "job.cancel", "job": .string(job)]) }
        // Idle keep-alive connections of the crawls may hold descriptors a while longer.
        var last: JSONObject = [:]
        let recovered = try await pollUntil(seconds: 90) {
            last = try await submit(
                client, ["urls": [.string(site.base + "/p/1.html")], "follow_links": false, "output": "after.jsonl", "overwrite": true, "watch": true])
            return last["state"] == "completed"
        }
        #expect(recovered, "\(last)")
        #expect(try await client.request(["op": "ping"]).answer["ok"] == true)
        await client.close()
    }

    private func openDescriptors(_ pid: Int32) throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count
    }

    /// `prlimit(1)` on the running daemon: soft and hard limit both, so nothing in it can raise the limit back.
    private func setDescriptorLimit(_ pid: Int32, _ limit: Int) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
        process.arguments = ["--pid", String(pid), "--nofile=\(limit):\(limit)"]
        try process.run()
        #expect(ProcessExit.status(of: process) == 0)
    }
}
