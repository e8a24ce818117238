import Testing
import TestSupport

@testable import Jobs

@Suite struct SeenSetTests {
    /// The 64 reference vectors of SipHash-2-4 (the paper's appendix A, and
    /// `vectors.h` of the reference implementation): key 00 01 … 0f, message
    /// 00 01 … of every length from 0 to 63, so every tail of a word is read.
    @Test func sipHashMatchesTheReferenceVectors() {
        let sip = SipHash(k0: 0x0706_0504_0302_0100, k1: 0x0f0e_0d0c_0b0a_0908)
        for (length, expected) in Self.referenceVectors.enumerated() {
            let message = (0..<length).map { UInt8($0) }
            #expect(message.withUnsafeBytes { sip.hash($0) } == expected, "length \(length)")
        }
    }

    /// A string hashes as its UTF-8 bytes.
    @Test func aStringHashesAsItsUTF8() {
        let sip = SipHash(k0: .random(in: .min ... .max), k1: .random(in: .min ... .max))
        for url in ["", "http://h/", "http://example.com/a/ünïcode/\(Int.random(in: 0...1_000_000))"] {
            #expect(sip.hash(url) == Array(url.utf8).withUnsafeBytes { sip.hash($0) }, "\(url)")
        }
    }

    private static let referenceVectors: [UInt64] = [
        0x726f_db47_dd0e_0e31, 0x74f8_39c5_93dc_67fd, 0x0d6c_8009_d9a9_4f5a, 0x8567_6696_d7fb_7e2d,
        0xcf27_94e0_2771_87b7, 0x1876_5564_cd99_a68d, 0xcbc9_466e_58fe_e3ce, 0xab02_00f5_8b01_d137,
        0x93f5_f579_9a93_2462, 0x9e00_82df_0ba9_e4b0, 0x7a5d_bbc5_94dd_b9f3, 0xf4b3_2f46_226b_ada7,
        0x751e_8fbc_860e_e5fb, 0x14ea_5627_c084_3d90, 0xf723_ca90_8e7a_f2ee, 0xa129_ca61_49be_45e5,
        0x3f2a_cc7f_57c2_9bdb, 0x699a_e9f5_2cbe_4794, 0x4bc1_b3f0_968d_d39c, 0xbb6d_c91d_a779_61bd,
        0xbed6_5cf2_1aa2_ee98, 0xd0f2_cbb0_2e3b_67c7, 0x9353_6795_e3a3_3e88, 0xa80c_038c_cd5c_cec8,
        0xb8ad_50c6_f649_af94, 0xbce1_92de_8a85_b8ea, 0x17d8_35b8_5bbb_15f3, 0x2f2e_6163_076b_cfad,
        0xde4d_aaac_a71d_c9a5, 0xa6a2_5066_8795_6571, 0xad87_a353_5c49_ef28, 0x32d8_92fa_d841_c342,
        0x7127_512f_72f2_7cce, 0xa7f3_2346_f959_78e3, 0x12e0_b01a_bb05_1238, 0x15e0_34d4_0fa1_97ae,
        0x314d_ffbe_0815_a3b4, 0x0279_90f0_2962_3981, 0xcadc_d4e5_9ef4_0c4d, 0x9abf_d876_6a33_735c,
        0x0e3e_a96b_5304_a7d0, 0xad0c_42d6_fc58_5992, 0x1873_06c8_9bc2_15a9, 0xd4a6_0abc_f379_2b95,
        0xf935_451d_e4f2_1df2, 0xa953_8f04_1975_5787, 0xdb9a_cddf_f56c_a510, 0xd06c_98cd_5c09_75eb,
        0xe612_a3cb_9ecb_a951, 0xc766_e62c_fcad_af96, 0xee64_435a_9752_fe72, 0xa192_d576_b245_165a,
        0x0a87_87bf_8ecb_74b2, 0x81b3_e73d_20b4_9b6f, 0x7fa8_220b_a3b2_ecea, 0x2457_31c1_3ca4_2499,
        0xb78d_bfaf_3a8d_83bd, 0xea1a_d565_322a_1a0b, 0x60e6_1c23_a379_5013, 0x6606_d7e4_4628_2b93,
        0x6ca4_ecb1_5c5f_91e1, 0x9f62_6da1_5c96_25f3, 0xe51b_3860_8ef2_5f57, 0x958a_324c_eb06_4572,
    ]

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
