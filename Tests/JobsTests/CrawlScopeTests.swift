import Testing

@testable import Jobs

@Suite struct CrawlScopeTests {
    let seed = CrawlURL("https://docs.example.org/start")!

    @Test func sameHostIsExactHostAndPort() {
        #expect(CrawlScope.sameHost.allows(CrawlURL("https://docs.example.org/other")!, seeds: [seed]))
        #expect(CrawlScope.sameHost.allows(CrawlURL("http://docs.example.org/other")!, seeds: [seed]))
        #expect(!CrawlScope.sameHost.allows(CrawlURL("https://docs.example.org:8443/")!, seeds: [seed]))
        #expect(!CrawlScope.sameHost.allows(CrawlURL("https://www.example.org/")!, seeds: [seed]))
    }

    @Test func sameDomainTakesSubdomains() {
        #expect(CrawlScope.sameDomain.allows(CrawlURL("https://www.example.org/")!, seeds: [seed]))
        #expect(CrawlScope.sameDomain.allows(CrawlURL("https://example.org/")!, seeds: [seed]))
        #expect(!CrawlScope.sameDomain.allows(CrawlURL("https://example.com/")!, seeds: [seed]))
        #expect(!CrawlScope.sameDomain.allows(CrawlURL("https://notexample.org/")!, seeds: [seed]))
        #expect(CrawlScope.any.allows(CrawlURL("https://example.com/")!, seeds: [seed]))
    }

    /// The registrable domain comes from the Public Suffix List, so sites under a
    /// suffix anyone can register under (`github.io`) are different domains.
    @Test(arguments: [
        ("https://a.b.example.co.uk/", "https://c.example.co.uk/", true), ("https://x.github.io/", "https://y.github.io/", false),
        ("https://a.example.co.uk/", "https://b.other.co.uk/", false), ("https://shop.example.com.au/", "https://example.com.au/", true),
        ("https://a.s3.amazonaws.com/", "https://b.s3.amazonaws.com/", false), ("http://127.0.0.1/", "http://10.0.0.1/", false),
    ])
    func sameDomainUsesThePublicSuffixList(seed: String, link: String, inScope: Bool) {
        #expect(CrawlScope.sameDomain.allows(CrawlURL(link)!, seeds: [CrawlURL(seed)!]) == inScope)
    }

    @Test(arguments: [
        ("docs.example.org", "example.org"), ("a.b.example.co.uk", "example.co.uk"), ("shop.example.com.au", "example.com.au"),
        ("example.org", "example.org"), ("localhost", "localhost"), ("127.0.0.1", "127.0.0.1"), ("[::1]", "[::1]"),
        ("www.bbc.co.uk", "bbc.co.uk"), ("a.example.de", "example.de"), ("x.github.io", "x.github.io"), ("co.uk", "co.uk"),
    ])
    func registrableDomain(host: String, domain: String) {
        #expect(CrawlScope.registrableDomain(of: host) == domain)
    }

    @Test func globsMatchWholeURL() {
        #expect(URLPattern("https://docs.example.org/api/*").matches("https://docs.example.org/api/v1/x.html"))
        #expect(!URLPattern("https://docs.example.org/api/*").matches("https://docs.example.org/guide/"))
        #expect(URLPattern("*.pdf").matches("https://x.org/a/b.pdf"))
        #expect(!URLPattern("*.pdf").matches("https://x.org/a/b.pdf?x=1"))
        #expect(URLPattern("*?page=*").matches("https://x.org/list?page=2"))
        #expect(URLPattern("https://x.org/p?.html").matches("https://x.org/p1.html"))
        #expect(!URLPattern("https://x.org/p?.html").matches("https://x.org/p12.html"))
        #expect(URLPattern("*a*a*a*a*a*b").matches(String(repeating: "a", count: 200) + "b"))
        #expect(!URLPattern("*a*a*a*a*a*b").matches(String(repeating: "a", count: 2000)))
    }
}
