import Crawl
import Testing

@Suite struct URLValidatorTests {
    @Test(arguments: [
        "http://example.org/", "https://example.org/a?b=c#d", "HTTP://Example.org", "http://user:pw@example.org:8080/x",
        "http://[2001:db8::1]/", "http://127.0.0.1:7070/index.html",
    ])
    func acceptsAbsoluteHTTPURLsWithAHost(_ text: String) async throws {
        let url = try await URLValidator().validate(text)
        #expect(url.absoluteString == text)
    }

    @Test(arguments: [
        ("file:///etc/passwd", "scheme 'file' is not allowed"),
        ("ftp://example.org/", "scheme 'ftp' is not allowed"),
        ("javascript:alert(1)", "scheme 'javascript' is not allowed"),
        ("/relative/path", "not an absolute URL (no scheme): '/relative/path'"),
        ("example.org", "not an absolute URL (no scheme): 'example.org'"),
        ("http:///nohost", "URL has no host: 'http:///nohost'"),
        ("http://exa mple.org/", "URL contains a space or a control character: 'http://exa mple.org/'"),
        ("http://example.org/\n", "URL contains a space or a control character: 'http://example.org/\n'"),
        ("", "URL is empty"),
        ("http://example.org:70000/", "port 70000 is out of range"),
    ])
    func refusesWithAClearMessage(_ text: String, _ message: String) async {
        await #expect(throws: CrawlError(.invalidURL, message)) { try await URLValidator().validate(text) }
    }

    @Test func refusesURLsLongerThan8KiB() async throws {
        let base = "http://example.org/"
        let fits = base + String(repeating: "a", count: URLValidator.maxLength - base.utf8.count)
        _ = try await URLValidator().validate(fits)
        await #expect(throws: CrawlError(.invalidURL, "URL is 8193 bytes long; the limit is 8192")) {
            try await URLValidator().validate(fits + "a")
        }
    }

    @Test(arguments: [
        ("http://127.0.0.1:8080/", "127.0.0.1: 127.0.0.1 is a loopback address (refused by --deny-private)"),
        ("http://localhost/", "localhost: 127.0.0.1 is a loopback address (refused by --deny-private)"),
        ("http://[::1]/", "::1: ::1 is a loopback address (refused by --deny-private)"),
        ("http://10.1.2.3/", "10.1.2.3: 10.1.2.3 is a private address (refused by --deny-private)"),
        ("http://172.20.0.1/", "172.20.0.1: 172.20.0.1 is a private address (refused by --deny-private)"),
        ("http://192.168.1.1/", "192.168.1.1: 192.168.1.1 is a private address (refused by --deny-private)"),
        ("http://100.64.0.1/", "100.64.0.1: 100.64.0.1 is a private address (refused by --deny-private)"),
        ("http://169.254.169.254/", "169.254.169.254: 169.254.169.254 is a link-local address (refused by --deny-private)"),
        ("http://[fe80::1]/", "fe80::1: fe80::1 is a link-local address (refused by --deny-private)"),
        ("http://[fd00::1]/", "fd00::1: fd00::1 is a private address (refused by --deny-private)"),
        ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1: ::ffff:127.0.0.1 is a loopback address (refused by --deny-private)"),
        ("http://[::127.0.0.1]/", "::127.0.0.1: ::127.0.0.1 is a loopback address (refused by --deny-private)"),
        ("http://0.0.0.0/", "0.0.0.0: 0.0.0.0 is an unspecified address (refused by --deny-private)"),
        ("http://224.0.0.1/", "224.0.0.1: 224.0.0.1 is a multicast address (refused by --deny-private)"),
        ("http://203.0.113.7/", "203.0.113.7: 203.0.113.7 is a documentation address (refused by --deny-private)"),
    ])
    func denyPrivateRefusesInwardTargets(_ text: String, _ message: String) async throws {
        await #expect(throws: CrawlError(.blockedAddress, message)) { try await URLValidator(denyPrivate: true).validate(text) }
        _ = try await URLValidator().validate(text)
    }

    @Test(arguments: ["http://93.184.216.34/", "http://172.32.0.1/", "http://[2606:4700::1111]/", "http://100.128.0.1/"])
    func denyPrivateLetsPublicAddressesThrough(_ text: String) async throws {
        _ = try await URLValidator(denyPrivate: true).validate(text)
    }

    @Test func denyPrivateReportsAHostThatDoesNotResolve() async {
        await #expect {
            try await URLValidator(denyPrivate: true).validate("http://no-such-host.invalid/")
        } throws: { error in
            (error as? CrawlError)?.message.hasPrefix("cannot resolve host 'no-such-host.invalid': ") == true
        }
    }

    @Test func withoutDenyPrivateNoLookupHappens() async throws {
        _ = try await URLValidator().validate("http://no-such-host.invalid/")
    }
}
