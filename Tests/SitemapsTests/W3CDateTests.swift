import Testing

@testable import Sitemaps

@Suite struct W3CDateTests {
    @Test(arguments: [
        ("1970-01-01", Int64(0)),
        ("2026", 1_767_225_600),
        ("2026-01", 1_767_225_600),
        ("2026-01-01", 1_767_225_600),
        ("2026-01-01T00:00Z", 1_767_225_600),
        ("2026-01-01T01:30:00+01:30", 1_767_225_600),
        ("2025-12-31T23:00:00.123-01:00", 1_767_225_600),
        ("2024-02-29", 1_709_164_800),
    ])
    func reads(text: String, seconds: Int64) {
        #expect(W3CDate.seconds(text) == seconds)
    }

    @Test(arguments: ["", "26-01-01", "2026-13-01", "2026-01-01T25:00Z", "2026-01-01T10:00+0100", "2026-01-01 ", "yesterday", "2026-01-01T10"])
    func refuses(text: String) {
        #expect(W3CDate.seconds(text) == nil)
    }
}
