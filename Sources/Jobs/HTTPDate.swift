#if canImport(Glibc)
import Glibc
#endif

/// An HTTP-date (RFC 9110 section 5.6.7), for `Retry-After`: IMF-fixdate and the
/// obsolete RFC 850 and asctime forms that recipients must accept.
///
/// Parsed by hand because `DateFormatter` lives in full Foundation, which crawld
/// does not link (it pulls in ICU and costs idle memory, see docs/benchmarks.md),
/// and Swift's Glibc module does not export `strptime`.
enum HTTPDate {
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    private static let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    /// Seconds since 1970-01-01 UTC, or nil when `text` is none of the three forms.
    static func secondsSince1970(_ text: String) -> Int? {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "-" || $0 == ":" }).map(String.init)
        let day: String, month: String, year: String, clock: ArraySlice<String>
        switch words.count {
        case 8 where words[7] == "GMT":
            // Sun, 06 Nov 1994 08:49:37 GMT   or   Sunday, 06-Nov-94 08:49:37 GMT
            (day, month, year, clock) = (words[1], words[2], words[3], words[4...6])
        case 7:
            // Sun Nov  6 08:49:37 1994
            (month, day, clock, year) = (words[1], words[2], words[3...5], words[6])
        default:
            return nil
        }
        guard days.contains(where: { words[0].hasPrefix($0) }), let monthIndex = months.firstIndex(of: month),
            let dayOfMonth = Int(day), (1...31).contains(dayOfMonth), let fullYear = Int(year), year.count == 2 || year.count == 4
        else { return nil }
        let parts = clock.compactMap { Int($0) }
        guard parts.count == 3, (0...23).contains(parts[0]), (0...59).contains(parts[1]), (0...60).contains(parts[2]) else { return nil }
        var fields = tm()
        // Two-digit years (RFC 850) are read as 1970-2069.
        fields.tm_year = Int32(year.count == 2 ? (fullYear < 70 ? fullYear + 100 : fullYear) : fullYear - 1900)
        fields.tm_mon = Int32(monthIndex)
        fields.tm_mday = Int32(dayOfMonth)
        fields.tm_hour = Int32(parts[0])
        fields.tm_min = Int32(parts[1])
        fields.tm_sec = Int32(parts[2])
        return Int(timegm(&fields))
    }
}
