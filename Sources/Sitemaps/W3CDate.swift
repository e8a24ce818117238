/// The W3C datetime profile of ISO 8601 that sitemaps' `<lastmod>` uses:
/// `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or a date with `Thh:mm`, optional
/// `:ss` and fraction, and a zone (`Z` or `±hh:mm`; none read as UTC).
///
/// Only comparisons are needed (`since`), so a date becomes seconds since
/// 1970 UTC, its earliest instant (`2026-01` is 2026-01-01T00:00Z).
public enum W3CDate {
    /// Seconds since 1970-01-01T00:00Z, or nil when `text` is not a W3C datetime.
    public static func seconds(_ text: String) -> Int64? {
        var scanner = Digits(Array(text.utf8))
        guard let year = scanner.number(4) else { return nil }
        var month: Int64 = 1
        var day: Int64 = 1
        var time: Int64 = 0
        if scanner.take(UInt8(ascii: "-")) {
            guard let m = scanner.number(2), (1...12).contains(m) else { return nil }
            month = m
            if scanner.take(UInt8(ascii: "-")) {
                guard let d = scanner.number(2), (1...31).contains(d) else { return nil }
                day = d
                if scanner.take(UInt8(ascii: "T")) {
                    guard let clock = scanner.timeOfDay() else { return nil }
                    time = clock
                }
            }
        }
        guard scanner.atEnd else { return nil }
        return daysFromCivil(year: year, month: month, day: day) * 86_400 + time
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// A cursor over the ASCII of a datetime.
private struct Digits {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    mutating func take(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// Exactly `count` decimal digits.
    mutating func number(_ count: Int) -> Int64? {
        guard index + count <= bytes.count else { return nil }
        var value: Int64 = 0
        for byte in bytes[index..<index + count] {
            guard (0x30...0x39).contains(byte) else { return nil }
            value = value * 10 + Int64(byte - 0x30)
        }
        index += count
        return value
    }

    /// `hh:mm[:ss[.fraction]]` and a zone, as seconds after midnight UTC (may be negative or past a day).
    mutating func timeOfDay() -> Int64? {
        guard let hours = number(2), hours < 24, take(UInt8(ascii: ":")), let minutes = number(2), minutes < 60 else { return nil }
        var seconds: Int64 = 0
        if take(UInt8(ascii: ":")) {
            guard let s = number(2), s < 61 else { return nil }
            seconds = s
            if take(UInt8(ascii: ".")) {
                let start = index
                while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
                guard index > start else { return nil }
            }
        }
        let local = hours * 3600 + minutes * 60 + seconds
        if atEnd || take(UInt8(ascii: "Z")) { return local }
        let sign: Int64
        if take(UInt8(ascii: "+")) {
            sign = 1
        } else if take(UInt8(ascii: "-")) {
            sign = -1
        } else {
            return nil
        }
        guard let zoneHours = number(2), zoneHours < 24, take(UInt8(ascii: ":")), let zoneMinutes = number(2), zoneMinutes < 60 else { return nil }
        return local - sign * (zoneHours * 3600 + zoneMinutes * 60)
    }
}
