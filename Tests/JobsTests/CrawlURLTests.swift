import Testing

@testable import Jobs

@Suite struct CrawlURLTests {
    @Test(arguments: [
        ("HTTP://Example.ORG/a", "http://example.org/a"),
        ("http://example.org", "http://example.org/"),
        ("http://example.org:80/x", "http://example.org/x"),
        ("https://example.org:443/x", "https://example.org/x"),
        ("https://example.org:8443/x", "https://example.org:8443/x"),
        ("http://example.org:443/x", "http://example.org:443/x"),
        ("http://example.org/a/b#frag", "http://example.org/a/b"),
        ("http://example.org/a/./b/../c", "http://example.org/a/c"),
        ("http://example.org/a/b/..", "http://example.org/a/"),
        ("http://example.org/../../x", "http://example.org/x"),
        ("http://example.org/a?b=1&a=2#x", "http://example.org/a?b=1&a=2"),
        ("http://example.org/a/../b?q=../x", "http://example.org/b?q=../x"),
        ("http://example.org/%7euser/%2f", "http://example.org/~user/%2F"),
        ("http://example.org/a b", "http://example.org/a%20b"),
        ("http://example.org/caf\u{e9}", "http://example.org/caf%C3%A9"),
        ("  http://example.org/x  ", "http://example.org/x"),
        ("http://[::1]:8080/", "http://[::1]:8080/"),
        ("http://user@Example.org/", "http://user@example.org/"),
        ("http://example.org?x", "http://example.org/?x"),
    ])
    func normalises(input: String, expected: String) {
        #expect(CrawlURL(input)?.string == expected)
        #expect(CrawlURL(expected)?.string == expected, "normalising twice changes nothing")
    }

    @Test(arguments: ["ftp://example.org/", "mailto:a@b.c", "/relative/path", "http:/one-slash", "http://", "http://host:99999/", "http://host:8x/", "javascript:alert(1)"])
    func refuses(input: String) {
        #expect(CrawlURL(input) == nil)
    }

    /// Hosts with `:`, `[` or `]` outside an IPv6 literal are refused. The first input is the
    /// crash libFuzzer found (Fuzz/URLFuzz.swift): it normalised to a URL that did not parse again.
    @Test(arguments: ["https://[::1]:443s:/./b/..:a", "http://a:b:80/", "http://[::1/", "http://ex[a]mple.org/", "http://::/"])
    func hostsWithStrayColonsOrBracketsAreInvalid(input: String) {
        #expect(CrawlURL(input) == nil)
        #expect(CrawlURL("https://[::1]:8443/x")?.string == "https://[::1]:8443/x")
        #expect(CrawlURL("http://host:/x")?.string == "http://host/x")
    }

    @Test func equivalentFormsDedupe() {
        let forms = ["http://h/p/4.html", "http://H:80/p/../p/./4.html", "http://h/p/4.html#section", "HTTP://h/p/%34.html"]
        #expect(Set(forms.compactMap { CrawlURL($0)?.string }).count == 1)
    }

    @Test func originAndPathAndQuery() throws {
        let url = try #require(CrawlURL("https://Docs.Example.org:8443/a/b?c=d#e"))
        #expect(url.origin == "https://docs.example.org:8443")
        #expect(url.pathAndQuery == "/a/b?c=d")
        #expect(url.host == "docs.example.org")
        #expect(url.port == 8443)
    }
}
