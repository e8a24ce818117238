import Engines
import Foundation
import Testing

@Suite struct CookieJarTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func matchesDomainPathAndSecure() {
        let jar = CookieJar()
        jar.store(setCookieHeaders: ["a=1; Path=/docs", "b=2; Secure", "c=3; Domain=example.org"], host: "www.example.org", path: "/", now: now)
        #expect(jar.cookieHeader(host: "www.example.org", path: "/docs/x", secure: true, now: now) == "a=1; b=2; c=3")
        #expect(jar.cookieHeader(host: "www.example.org", path: "/docsx", secure: false, now: now) == "c=3")
        #expect(jar.cookieHeader(host: "other.org", path: "/", secure: true, now: now) == nil)
        #expect(jar.cookieHeader(host: "api.example.org", path: "/", secure: false, now: now) == "c=3")
        #expect(jar.cookieHeader(host: "badexample.org", path: "/", secure: true, now: now) == nil)
    }

    @Test func refusesADomainTheHostIsNotIn() {
        let jar = CookieJar()
        jar.store(setCookieHeaders: ["x=1; Domain=other.org"], host: "example.org", path: "/", now: now)
        #expect(jar.count == 0)
    }

    /// RFC 6265 §5.3 step 5: `Domain=com` would reach every .com site.
    @Test(arguments: [
        ("www.example.com", "com", "bank.com"), ("shop.example.co.uk", "co.uk", "bank.co.uk"),
        ("me.github.io", "github.io", "you.github.io"), ("a.b.example.co.uk", ".co.uk", "bank.co.uk"),
    ])
    func refusesAPublicSuffixDomain(host: String, domain: String, otherSite: String) {
        let jar = CookieJar()
        jar.store(setCookieHeaders: ["s=1; Domain=\(domain)"], host: host, path: "/", now: now)
        #expect(jar.count == 0)
        #expect(jar.cookieHeader(host: otherSite, path: "/", secure: true, now: now) == nil)
    }

    @Test func aPublicSuffixHostMaySetItsOwnDomain() {
        let jar = CookieJar()
        jar.store(setCookieHeaders: ["s=1; Domain=github.io"], host: "github.io", path: "/", now: now)
        #expect(jar.cookieHeader(host: "github.io", path: "/", secure: false, now: now) == "s=1")
        #expect(jar.cookieHeader(host: "me.github.io", path: "/", secure: false, now: now) == nil)
    }

    /// §5.3 step 6: without `Domain`, only the exact host gets the cookie back.
    @Test func aCookieWithoutDomainIsHostOnly() {
        let jar = CookieJar()
        jar.store(setCookieHeaders: ["h=1"], host: "example.org", path: "/", now: now)
        #expect(jar.cookieHeader(host: "example.org", path: "/", secure: false, now: now) == "h=1")
        #expect(jar.cookieHeader(host: "www.example.org", path: "/", secure: false, now: now) == nil)
        jar.store(setCookieHeaders: ["d=2; Domain=example.org"], host: "example.org", path: "/", now: now)
        #expect(jar.cookieHeader(host: "www.example.org", path: "/", secure: false, now: now) == "d=2")
    }

    /// §5.1.3: an IP address matches only itself; `Domain=0.3` from 127.0.0.3 must not reach 127.1.0.3.
    @Test func anIPAddressMatchesOnlyItself() {
        let jar = CookieJar()
        jar.store(setCookieHeaders: ["d=1; Domain=0.3", "e=2; Domain=.0.0.3"], host: "127.0.0.3", path: "/", now: now)
        #expect(jar.count == 0)
        jar.store(setCookieHeaders: ["own=1; Domain=127.0.0.3", "plain=2"], host: "127.0.0.3", path: "/", now: now)
        #expect(jar.cookieHeader(host: "127.0.0.3", path: "/", secure: false, now: now) == "own=1; plain=2")
        #expect(jar.cookieHeader(host: "127.1.0.3", path: "/", secure: false, now: now) == nil)
        #expect(jar.cookieHeader(host: "10.127.0.0.3", path: "/", secure: false, now: now) == nil)
    }

    /// §5.1.4: without a valid `Path`, the cookie's path is the request's directory.
    @Test func theDefaultPathIsTheRequestsDirectory() {
        let jar = CookieJar()
        jar.store(setCookieHeaders: ["dir=1", "bad=2; Path=relative", "root=3; Path=/"], host: "h.test", path: "/shop/cart/view", now: now)
        #expect(jar.cookieHeader(host: "h.test", path: "/shop/cart/other", secure: false, now: now) == "dir=1; bad=2; root=3")
        #expect(jar.cookieHeader(host: "h.test", path: "/shop/cart", secure: false, now: now) == "dir=1; bad=2; root=3")
        #expect(jar.cookieHeader(host: "h.test", path: "/shop/cartx", secure: false, now: now) == "root=3")
        #expect(jar.cookieHeader(host: "h.test", path: "/shop", secure: false, now: now) == "root=3")
        jar.store(setCookieHeaders: ["top=4"], host: "other.test", path: "/page", now: now)
        #expect(jar.cookieHeader(host: "other.test", path: "/", secure: false, now: now) == "top=4")
    }

    @Test func replacesAndExpires() {
        let jar = CookieJar()
        jar.store(setCookieHeaders: ["a=1", "t=1; Max-Age=60"], host: "h", path: "/", now: now)
        jar.store(setCookieHeaders: ["a=2"], host: "h", path: "/", now: now)
        #expect(jar.cookieHeader(host: "h", path: "/", secure: false, now: now) == "a=2; t=1")
        #expect(jar.cookieHeader(host: "h", path: "/", secure: false, now: now + 61) == "a=2")
        #expect(jar.count == 1)
        jar.store(setCookieHeaders: ["a=gone; Max-Age=0"], host: "h", path: "/", now: now)
        #expect(jar.count == 0)
    }

    @Test func dropsTheOldestPastCapacity() {
        let jar = CookieJar(capacity: 2)
        jar.store(setCookieHeaders: ["a=1", "b=2", "c=3"], host: "h", path: "/", now: now)
        #expect(jar.cookieHeader(host: "h", path: "/", secure: false, now: now) == "b=2; c=3")
        #expect(jar.approximateBytes > 0)
    }
}
