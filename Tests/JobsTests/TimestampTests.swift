import Foundation
import Testing

@testable import Jobs

@Suite struct TimestampTests {
    /// What records carried before `Timestamp` wrote times itself: Foundation's ISO 8601 format style.
    private static func formatStyle(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    /// Every time a record may carry reads as the format style wrote it: whole
    /// and fractional seconds (cut, not rounded, at the millisecond), days
    /// around leap years and month ends, before 1970, far ahead.
    @Test func writesWhatTheFormatStyleWrote() {
        var generator = SystemRandomNumberGenerator()
        var dates = [
            0, 0.0004, 0.9996, 1_700_000_000.5, 1_700_000_000.0999, 951_782_400, 951_868_799.999, 1_709_251_199.9995,
            -0.5, -1, -86_400.25, 4_102_444_800.123, 253_402_300_799.999,
        ].map(Date.init(timeIntervalSince1970:))
        for _ in 0..<2000 {
            dates.append(Date(timeIntervalSince1970: Double.random(in: -2_000_000_000...4_000_000_000, using: &generator)))
        }
        for date in dates {
            #expect(Timestamp.iso8601(date) == Self.formatStyle(date), "\(date.timeIntervalSince1970)")
        }
    }

    /// A written time parses back to the same millisecond (checkpoints read theirs back).
    @Test func parsesBackWhatItWrote() throws {
        let date = Date(timeIntervalSince1970: 1_733_430_000.25)
        let parsed = try #require(Timestamp.parse(Timestamp.iso8601(date)))
        #expect(abs(parsed.timeIntervalSince1970 - date.timeIntervalSince1970) < 0.001)
    }
}
