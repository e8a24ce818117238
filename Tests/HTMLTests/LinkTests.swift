import HTML
import Testing

@Suite struct LinkTests {
    @Test func linksResolveAgainstBaseInDocumentOrder() throws {
        let document = try Fixtures.document("base-links.html", url: "https://docs.example.org/start/here.html")
        #expect(
            document.links == [
                "https://docs.example.org/guide/v2/intro.html",
                "https://docs.example.org/guide/v1/old.html",
                "https://docs.example.org/guide/v2/a/c.html",
                "https://docs.example.org/guide/v2/?q=search",
                "https://cdn.example.net/x.js",
                "https://docs.example.org/root.html",
                "https://docs.example.org/guide/v2/spaced%20name.html",
                "https://docs.example.org/guide/v2/caf%C3%A9.html",
                "https://other.example.com/Path?A=1",
            ])
    }

    @Test(arguments: [
        ("../x", "https://h.example/a/x"),
        ("x/../../y", "https://h.example/a/y"),
        ("?q", "https://h.example/a/b/c?q"),
        ("//host.example/x", "https://host.example/x"),
        ("/", "https://h.example/"),
        ("", "https://h.example/a/b/c?old"),
        ("../../../../up", "https://h.example/up"),
        ("g;x=1/../y", "https://h.example/a/b/y"),
        ("HTTP://Mixed.Example/P", "HTTP://Mixed.Example/P"),
        // The fragment goes, wherever it starts and whatever comes before it.
        ("p#frag", "https://h.example/a/b/p"),
        ("é#x", "https://h.example/a/b/%C3%A9"),
    ])
    func relativeReferencesFollowRFC3986(href: String, expected: String) throws {
        let document = try Fixtures.parse(#"<a href="\#(href)">x</a>"#, url: "https://h.example/a/b/c?old#frag")
        #expect(document.links == [expected])
    }

    /// A link to a place in the page itself names no other page.
    @Test func aFragmentAloneIsNoLink() throws {
        let document = try Fixtures.parse(##"<a href="#only">x</a>"##, url: "https://h.example/a/b/c?old")
        #expect(document.links == [])
    }

    @Test func baseIsResolvedAgainstPageURL() throws {
        let document = try Fixtures.parse(#"<base href="https://cdn.example.com/root/"><a href="p">p</a>"#)
        #expect(document.links == ["https://cdn.example.com/root/p"])
    }

    @Test func withoutURLRelativeLinksStayRelative() throws {
        let document = try Fixtures.parse(#"<a href="a.html">a</a><a href="https://x.example/">x</a>"#, url: nil)
        #expect(document.links == ["a.html", "https://x.example/"])
    }

    @Test func realPageLinksAreAbsoluteAndUnique() throws {
        let url = "https://docs.python.org/3.11/tutorial/introduction.html"
        let document = try Fixtures.document("python-docs/tutorial-introduction.html", url: url)
        let links = document.links
        #expect(links.count > 10)
        #expect(Set(links).count == links.count)
        #expect(links.allSatisfy { $0.hasPrefix("https://") && !$0.contains("#") })
        #expect(links.contains("https://docs.python.org/3.11/contents.html"))
        #expect(links.contains("https://docs.python.org/3.11/tutorial/controlflow.html"))
    }

    /// `links` resolves one-segment hrefs (`page.html`) without libxml2; against every kind of
    /// base it must give exactly what libxml2 gives each href alone (`absoluteURL`).
    @Test(arguments: [
        "https://h.example/a/b/c?old#frag", "http://h.example", "http://h.example:8080/dir/", "http://user:pw@h.example/a/./b/../c",
        "http://[::1]:80/x/y", "https://h.example/caf%C3%A9/page", "https://h.example/café/page", "file:///tmp/a/b",
        "https://h.example/a/b/.", "https://h.example/a/b/..", "https://h.example//double//slash", "https://h.example/a?x=/y/z",
        "HTTPS://H.Example/A/B", "mailto:someone@example.com", "urn:isbn:0451450523",
    ])
    func oneSegmentHrefsResolveAsLibxml2Does(url: String) throws {
        let hrefs = [
            "sql-select.html", "a", "Z9", "x-y_z~w.html", "..foo", "a.", "A.B.C", "9", "page.html",
            ".", "..", ".hidden", "-dash", "_under", "~tilde", "a/b", "a?b", "a b", "café", "a:b", "./a", "//h/x", "/abs", "https://x.example/p",
        ]
        let anchors = hrefs.map { #"<a href="\#($0)">x</a>"# }.joined()
        let document = try Fixtures.parse(anchors, url: url)
        var expected: [String] = []
        for link in hrefs.compactMap(document.absoluteURL) where !expected.contains(link) { expected.append(link) }
        #expect(expected.count > 5)
        #expect(document.links == expected)
    }
}
