import Pool
import Testing

@Suite struct EngineSignatureTests {
    @Test func shortIsTheFirstEightHexDigitsLowercased() throws {
        let signature = try #require(EngineSignature(hex: "ABCDEF0123456789"))
        #expect(signature.hex == "abcdef0123456789")
        #expect(signature.short == "abcdef01")
        #expect("\(signature)" == "abcdef01")
    }

    @Test(arguments: ["", "abc", "1234567", "abcdefgh", "12345678 ", "12-45678"])
    func rejectsWhatIsNotHexOfAtLeastEightDigits(_ text: String) {
        #expect(EngineSignature(hex: text) == nil)
    }

    @Test func prefixMatchingIgnoresCaseAndNeverMatchesEmpty() throws {
        let signature = try #require(EngineSignature(hex: "abcdef0123456789"))
        #expect(signature.matches(prefix: "ABCDEF01"))
        #expect(signature.matches(prefix: "abcdef0123456789"))
        #expect(!signature.matches(prefix: "abcdef02"))
        #expect(!signature.matches(prefix: ""))
    }

    @Test func selectorReadsPermanentOrAPrefix() {
        #expect(EngineSelector("permanent") == .permanent)
        #expect(EngineSelector("abcdef01") == .prefix("abcdef01"))
    }
}
