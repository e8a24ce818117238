import Foundation
import JSON
import Testing
import TestSupport

/// Job webhooks through the real binary: signed POSTs retried with backoff,
/// deliveries in `job.status` without the secret, `--deny-private` on the
/// receiver's address, and a receiver that hangs costing the crawl nothing.
@Suite struct DaemonWebhookTests {
    static let secret = "whsec-7f3a91c2"

    private func submit(_ client: LineClient, site: JobSiteServer, webhook: JSONObject) async throws -> JSONObject {
        try await client.request([
            "op": "job.submit", "urls": [.string(site.base + "/p/0.html")], "max_pages": 20, "concurrency": 2, "webhook": .object(webhook),
        ]).answer
    }

    @Test func receiverFailingTwiceGetsTheDoneEventOnTheThirdSignedAttempt() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let receiver = try WebhookReceiver(log: folder.url.appendingPathComponent("hooks.jsonl").path, secret: Self.secret, fail: 2)
        let site = try JobSiteServer(pages: 10)
        let daemon = try await DaemonProcess.startForJobs(in: folder)
        defer { Task { await daemon.stop() } }
        let client = try await daemon.connect()
        let answer = try await submit(client, site: site, webhook: ["url": .string(receiver.url), "events": ["done"], "secret": .string(Self.secret)])
        let job = try #require(answer["job"]?.stringValue, "\(answer)")
        #expect(try await pollUntil(seconds: 60) { try await jobStatus(client, job)["webhook"]?.objectValue?["delivered"]?.intValue == 1 })

        let posts = try receiver.received()
        #expect(posts.count == 3, "two failures, then the delivery")
        #expect(posts.allSatisfy { $0["event"] == "done" && $0["signature_valid"] == true }, "\(posts)")
        #expect(Set(posts.compactMap { $0["delivery"]?.stringValue }).count == 1, "one delivery id across its attempts")
        let body = try #require(posts.last?["body"]?.objectValue)
        #expect(body["job"]?.stringValue == job)
        #expect(body["progress"]?.objectValue?["state"] == "completed")
        #expect(body["progress"]?.objectValue?["crawled"]?.intValue == 10)

        let status = try await jobStatus(client, job)
        let webhook = try #require(status["webhook"]?.objectValue)
        #expect(webhook["attempts"]?.intValue == 3)
        #expect(webhook["last_status"]?.intValue == 204)
        #expect(webhook["last_error"] == .null)
        #expect(webhook["failed"]?.intValue == 0)
        #expect(!JSONValue.object(status).encodedString().contains(Self.secret), "job.status never shows the secret")
        let requests = try await client.request(["op": "monitor.requests", "status": "all", "limit": 100]).answer
        #expect(!JSONValue.object(requests).encodedString().contains(Self.secret), "nor the monitor")
        await client.close()
        #expect(!daemon.logText.contains(Self.secret), "nor the log")
    }

    @Test func privateReceiverIsRefusedUnderDenyPrivateUnlessPoliciesAllowIt() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let site = try JobSiteServer(pages: 1)
        let refusing = try await DaemonProcess.startForJobs(in: folder, ["--deny-private"])
        let client = try await refusing.connect()
        let refused = try await submit(client, site: site, webhook: ["url": "http://127.0.0.1:9/hook"])
        #expect(refused["ok"] == false)
        #expect(refused["error"]?.objectValue?["code"] == "blocked_address", "\(refused)")
        await client.close()
        await refusing.stop()

        let scripts = ScriptFolder(copying: ScriptFolder.shipped)
        let policies = scripts.read("policies.lua")
        let declaration = "local M = { pool = pool, proxies = proxies, jobs = jobs"
        #expect(policies.contains(declaration))
        scripts.write("policies.lua", policies.replacingOccurrences(of: declaration, with: declaration + ", webhooks = { private_hosts = { \"127.0.0.1\" } }"))
        let allowing = try await DaemonProcess.start(arguments: [
            "--config", scripts.path, "--redis", "none", "--deny-private",
            "--output-dir", folder.url.appendingPathComponent("output").path, "--state-dir", folder.url.appendingPathComponent("state").path,
        ])
        defer { Task { await allowing.stop() } }
        let other = try await allowing.connect()
        let accepted = try await submit(other, site: site, webhook: ["url": "http://127.0.0.1:9/hook"])
        #expect(accepted["job"]?.stringValue != nil, "policies.lua's webhooks.private_hosts lets it through: \(accepted)")
        await other.close()
    }

    @Test func hangingReceiverTimesOutAndTheCrawlCompletes() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let receiver = try WebhookReceiver(log: folder.url.appendingPathComponent("hooks.jsonl").path, hang: true)
        let site = try JobSiteServer(pages: 10, latencyMs: 20)
        let daemon = try await DaemonProcess.startForJobs(in: folder)
        defer { Task { await daemon.stop() } }
        let client = try await daemon.connect()
        let answer = try await submit(client, site: site, webhook: ["url": .string(receiver.url), "events": ["progress", "done"]])
        let job = try #require(answer["job"]?.stringValue, "\(answer)")
        #expect(try await pollUntil(seconds: 60) { try await jobStatus(client, job)["state"] == "completed" }, "the crawl does not wait for its webhook")
        #expect(try await jobStatus(client, job)["crawled"]?.intValue == 10)
        #expect(try await pollUntil(seconds: 60) { try await jobStatus(client, job)["webhook"]?.objectValue?["last_error"]?.stringValue?.contains("timeout") == true })
        #expect(try receiver.received().first?["event"] == "progress")
        #expect(try await client.request(["op": "ping"]).answer["pong"] == true)
        await client.close()
    }
}
