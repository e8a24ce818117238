import Testing
import TestSupport

@testable import Jobs

@Suite struct SeenSetTests {
    /// The reference vectors of the SipHash paper (appendix A): key 00 01 … 0f.
    @Test func sipHashMatchesTheReferenceVectors() {
        let sip = SipHash(k0: 0x0706_0504_0302_0100, k1: 0x0f0e_0d0c_0b0a_0908)
        #expect(sip.hash([UInt8]()) == 0x726f_db47_dd0e_0e31)
        #expect(sip.hash(Array(0...14) as [UInt8]) == 0xa129_ca61_49be_45e5)
        // The same bytes one at a time (a sequence with no contiguous storage).
        #expect(sip.hash((0...14).lazy.map { UInt8($0) }) == 0xa129_ca61_49be_45e5)
    }

    /// Bytes read eight at a time (an array, a string's UTF-8) hash as the
    /// same bytes read one by one, at every length around a word's.
    @Test func contiguousBytesHashAsTheSameBytesOneByOne() {
        let sip = SipHash(k0: .random(in: .min ... .max), k1: .random(in: .min ... .max))
        for length in 0...40 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255) }
            #expect(sip.hash(bytes) == sip.hash(bytes.lazy.map { $0 }), "length \(length)")
        }
        let url = "http://example.com/a/ünïcode/\(Int.random(in: 0...1_000_000))"
        #expect(sip.hash(url.utf8) == sip.hash(Array(url.utf8).lazy.map { $0 }))
    }

    @Test func seenSetSurvivesItsEncodingWithItsKey() throws {
        var seen = SeenSet()
        for i in 0..<1000 { seen.insert("http://h/\(i)") }
        let key = try #require(seen.encodedKey)
        let restored = try #require(SeenSet(encoded: seen.encoded, key: key))
        #expect(restored == seen)
        #expect(restored.contains("http://h/999"))
        #expect(!restored.contains("http://h/1000"))
        #expect(SeenSet(encoded: "not base64!", key: key) == nil)
        #expect(SeenSet(encoded: seen.encoded, key: "xyz") == nil)
    }

    @Test func eachSetHasItsOwnKey() {
        var a = SeenSet()
        var b = SeenSet()
        a.insert("http://h/")
        b.insert("http://h/")
        #expect(a.encodedKey != b.encodedKey)
        #expect(a.encoded != b.encoded, "the same URL hashes differently under two keys")
    }

    /// A checkpoint written before keys (no `seen_key`) resumes with the hash it was written with.
    @Test func checkpointWithoutKeyKeepsItsUnkeyedHashes() throws {
        // FNV-1a + murmur3 finaliser of "http://h/", little-endian, base64: what such a checkpoint holds.
        var restored = try #require(SeenSet(encoded: "g2Al5Oy81dQ=", key: nil))
        #expect(restored.contains("http://h/"))
        let inserted = restored.insert("http://h/")
        #expect(!inserted, "already there under the old hash")
        #expect(restored.encodedKey == nil)
    }

    /// Two URLs with the same 64-bit FNV-1a hash (jobsite.py builds them for
    /// its own address): under the old unkeyed seen-set the second was taken
    /// for the first and never crawled.
    @Test func urlsCollidingUnderFNVAreBothCrawled() async throws {
        let server = try JobSiteServer(pages: 1)
        let dir = TemporaryDirectory()
        let manager = JobManager(environment: try makeEnvironment(dir, fetcher: HTTPTestFetcher()))
        let running = Task { await manager.run() }
        let job = try await manager.submit(
            try JobSpec(parameters: ["urls": [.string(server.base + "/collide.html")], "output": "c.jsonl", "obey_robots": false]))
        #expect(try await pollUntil(seconds: 120) { try await manager.status(job).state == .completed })
        let urls = try readRecords(dir, "c.jsonl").compactMap { $0["url"]?.stringValue }
        #expect(urls.filter { $0.contains("/c/") }.count == 2, "\(urls)")
        await manager.drain()
        await running.value
    }
}
