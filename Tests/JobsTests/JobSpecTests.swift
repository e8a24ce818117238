import JSON
import Testing
import TestSupport

@testable import Jobs

@Suite struct JobSpecTests {
    @Test func defaultsAndFullParse() throws {
        let minimal = try JobSpec(parameters: ["id": 1, "op": "job.submit", "urls": ["http://Example.org/"]])
        #expect(minimal.seeds.map(\.string) == ["http://example.org/"])
        #expect(minimal.followLinks && minimal.obeyRobots && !minimal.overwrite && minimal.scope == .sameHost)
        #expect(minimal.watch == .none)
        #expect(minimal.parameters.keys.contains("urls") && !minimal.parameters.keys.contains("op"))

        let full = try JobSpec(parameters: [
            "urls": ["http://a.org/", "https://b.org/x"], "follow_links": false, "scope": "same_domain",
            "include": ["*a.org*"], "exclude": ["*.pdf"], "max_pages": 50, "max_depth": 2, "delay_ms": 250,
            "max_retries": 4, "concurrency": 8, "engine": "browser", "config": ["wait": 1], "extract": false,
            "output": "site/a.jsonl", "overwrite": true, "obey_robots": false, "watch": "pages",
        ])
        #expect(full.seeds.count == 2 && !full.followLinks && full.scope == .sameDomain)
        #expect(full.maxPages == 50 && full.maxDepth == 2 && full.delayMs == 250 && full.maxRetries == 4 && full.concurrency == 8)
        #expect(full.engine == "browser" && full.config == ["wait": 1] && !full.extract && full.output == "site/a.jsonl")
        #expect(full.overwrite && !full.obeyRobots && full.watch == .pages)
        #expect(full.admits(CrawlURL("http://www.a.org/page")!))
        #expect(!full.admits(CrawlURL("http://a.org/file.pdf")!))
        #expect(!full.admits(CrawlURL("http://c.org/")!))
    }

    @Test(arguments: [
        (["urls": ["http://a/"], "max_page": 1] as JSONObject, "max_page", JobError.Code.badRequest),
        ([:] as JSONObject, "urls", .badRequest),
        (["urls": []] as JSONObject, "urls", .badRequest),
        (["urls": [1]] as JSONObject, "urls[0]", .badRequest),
        (["urls": ["http://a/", "ftp://b/"]] as JSONObject, "urls[1]", .invalidURL),
        (["urls": ["http://a/"], "scope": "galaxy"] as JSONObject, "scope", .badRequest),
        (["urls": ["http://a/"], "max_pages": 0] as JSONObject, "max_pages", .badRequest),
        (["urls": ["http://a/"], "max_depth": "3"] as JSONObject, "max_depth", .badRequest),
        (["urls": ["http://a/"], "delay_ms": 1.5] as JSONObject, "delay_ms", .badRequest),
        (["urls": ["http://a/"], "concurrency": 100_000] as JSONObject, "concurrency", .badRequest),
        (["urls": ["http://a/"], "engine": "curl"] as JSONObject, "engine", .badRequest),
        (["urls": ["http://a/"], "cluster": "yes"] as JSONObject, "cluster", .badRequest),
        (["urls": ["http://a/"], "config": [1]] as JSONObject, "config", .badRequest),
        (["urls": ["http://a/"], "config": .object(nestedObject(levels: 33))] as JSONObject, "config", .badRequest),
        (["urls": ["http://a/"], "follow_links": "yes"] as JSONObject, "follow_links", .badRequest),
        (["urls": ["http://a/"], "output": ""] as JSONObject, "output", .badRequest),
        (["urls": ["http://a/"], "watch": 3] as JSONObject, "watch", .badRequest),
        (["urls": ["http://a/"], "exclude": ["ok", false]] as JSONObject, "exclude[1]", .badRequest),
        // Pattern lists are bounded: 100 patterns of at most 1 KiB each.
        (["urls": ["http://a/"], "include": .array(Array(repeating: "*a*", count: 101))] as JSONObject, "include", .badRequest),
        (["urls": ["http://a/"], "exclude": ["ok", .string(String(repeating: "*a", count: 513))]] as JSONObject, "exclude[1]", .badRequest),
        (["urls": [.string("http://a/" + String(repeating: "x", count: 8_192))]] as JSONObject, "urls[0]", .invalidURL),
    ])
    func errorsNameTheField(parameters: JSONObject, field: String, code: JobError.Code) {
        #expect {
            _ = try JobSpec(parameters: parameters)
        } throws: { error in
            let jobError = error as? JobError
            // The message alone reaches the client, so it names the field too.
            return jobError?.field == field && jobError?.code == code && jobError?.message.contains("'\(field)'") == true
        }
    }
}

/// `output` as an object (`path`, `redis_stream`, `maxlen`) and `webhook`, checked at submit.
@Suite struct JobSpecSinkTests {
    @Test func outputObjectAndWebhookParse() throws {
        let spec = try JobSpec(parameters: [
            "urls": ["http://a.org/"], "output": ["path": "a.jsonl", "redis_stream": "crawl:pages", "maxlen": 5000],
            "webhook": ["url": "https://hooks.example/in?token=t", "events": ["done", "progress"], "secret": "s3"],
        ])
        #expect(spec.output == "a.jsonl")
        #expect(spec.stream == StreamSinkSpec(stream: "crawl:pages", maxLength: 5000))
        #expect(spec.webhook?.events == [.done, .progress] && spec.webhook?.secret == "s3")
        #expect(spec.webhook?.displayURL == "https://hooks.example/in", "no query where a token may hide")
        let defaults = try JobSpec(parameters: ["urls": ["http://a.org/"], "webhook": ["url": "http://h.example/"]])
        #expect(defaults.webhook?.events == [.done, .failed] && defaults.webhook?.secret == nil && defaults.stream == nil)
    }

    static let badOutputs: [(JSONObject, String)] = [
        (["redis_stream": ""], "output.redis_stream"), (["redis_stream": "a b"], "output.redis_stream"),
        (["redis_stream": "crawld:job:x"], "output.redis_stream"), (["redis_stream": "s", "maxlen": 0], "output.maxlen"),
        (["redis_stream": "s", "maxlen": -3], "output.maxlen"), (["maxlen": 10], "output.maxlen"), (["redis_stream": 7], "output.redis_stream"),
        (["file": "x"], "output.file"),
    ]

    @Test(arguments: badOutputs)
    func badStreamSinkNamesTheField(output: JSONObject, field: String) {
        expectRefused(["urls": ["http://a.org/"], "output": .object(output)], field: field)
    }

    static let badWebhooks: [(JSONObject, String)] = [
        (["url": "ftp://h/"], "webhook.url"), (["events": ["done"]], "webhook.url"), (["url": "http://h/", "events": []], "webhook.events"),
        (["url": "http://h/", "events": ["finished"]], "webhook.events[0]"), (["url": "http://h/", "secret": ""], "webhook.secret"),
        (["url": "http://h/", "retries": 3], "webhook.retries"),
    ]

    @Test(arguments: badWebhooks)
    func badWebhookNamesTheField(webhook: JSONObject, field: String) {
        expectRefused(["urls": ["http://a.org/"], "webhook": .object(webhook)], field: field)
    }

    private func expectRefused(_ parameters: JSONObject, field: String) {
        do {
            _ = try JobSpec(parameters: parameters)
            Issue.record("accepted \(parameters)")
        } catch {
            #expect(error.field == field, "\(error)")
        }
    }
}
