import Foundation
import JSON
import Testing
import TestSupport

/// A job's pages in flight to one host are as many as its concurrency and the
/// host's politeness allow, not the HTTP client's own connection limit.
@Suite struct DaemonJobConcurrencyTests {
    static let inFlight = 16
    static let answered = 20

    /// The shipped policies.lua with politeness fixed at `inFlight` without delay.
    private func scripts() -> ScriptFolder {
        let scripts = ScriptFolder(copying: ScriptFolder.shipped)
        let fixed = "function M.politeness(host, stats) return { delay_ms = 0, max_concurrency = \(Self.inFlight) } end"
        scripts.write("policies.lua", scripts.read("policies.lua").replacingOccurrences(of: "\nreturn M\n", with: "\n\(fixed)\n\nreturn M\n"))
        return scripts
    }

    /// Past the first pages the site holds every request, so the requests it
    /// has read and not answered are exactly those the job has in flight.
    @Test func aJobGrantedSixteenInFlightHasSixteenAtTheHost() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let arrivals = folder.url.appendingPathComponent("arrivals").path
        let site = try JobSiteServer(pages: 200, arrivals: arrivals, holdAfter: Self.answered)
        let scripts = scripts()
        let daemon = try await DaemonProcess.startForJobs(in: folder, config: scripts.path)
        defer { Task { await daemon.stop() } }
        let client = try await daemon.connect()
        let submitted = try await client.request([
            "op": "job.submit", "urls": [.string(site.base + "/p/0.html")], "concurrency": .int(Int64(Self.inFlight)), "max_pages": 200,
            "output": "site.jsonl",
        ]).answer
        let job = try #require(submitted["job"]?.stringValue)
        func pageRequests() -> Int {
            ((try? String(contentsOfFile: arrivals, encoding: .utf8)) ?? "").split(separator: "\n").filter { $0.hasPrefix("/p/") }.count
        }
        let reached = await pollUntil(seconds: 120) { pageRequests() >= Self.answered + Self.inFlight }
        #expect(reached, "requests held at the site: \(pageRequests() - Self.answered), not \(Self.inFlight)")
        try await site.release()
        _ = try await pollUntil(seconds: 120) { try await jobStatus(client, job)["state"]?.stringValue == "completed" }
        await client.close()
    }
}
