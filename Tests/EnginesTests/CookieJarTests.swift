import Engines
import Foundation
import Testing

@Suite struct CookieJarTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func matchesDomainPathAndSecure() {
        let jar = CookieJar()
        jar.store(setCookieHeaders: ["a=1; Path=/docs", "b=2; Secure", "c=3; Domain=example.org"], host: "www.example.org", now: now)
        #expect(jar.cookieHeader(host: "www.example.org", path: "/docs/x", secure: true, now: now) == "a=1; b=2; c=3")
        #expect(jar.cookieHeader(host: "www.example.org", path: "/docsx", secure: false, now: now) == "c=3")
        #expect(jar.cookieHeader(host: "other.org", path: "/", secure: true, now: now) == nil)
        #expect(jar.cookieHeader(host: "api.example.org", path: "/", secure: false, now: now) == "c=3")
        #expect(jar.cookieHeader(host: "badexample.org", path: "/", secure: true, now: now) == nil)
    }

    @Test func refusesADomainTheHostIsNotIn() {
        let jar = CookieJar()
        jar.store(setCookieHeaders: ["x=1; Domain=other.org"], host: "example.org", now: now)
        #expect(jar.count == 0)
    }

    @Test func replacesAndExpires() {
        let jar = CookieJar()
        jar.store(setCookieHeaders: ["a=1", "t=1; Max-Age=60"], host: "h", now: now)
        jar.store(setCookieHeaders: ["a=2"], host: "h", now: now)
        #expect(jar.cookieHeader(host: "h", path: "/", secure: false, now: now) == "a=2; t=1")
        #expect(jar.cookieHeader(host: "h", path: "/", secure: false, now: now + 61) == "a=2")
        #expect(jar.count == 1)
        jar.store(setCookieHeaders: ["a=gone; Max-Age=0"], host: "h", now: now)
        #expect(jar.count == 0)
    }

    @Test func dropsTheOldestPastCapacity() {
        let jar = CookieJar(capacity: 2)
        jar.store(setCookieHeaders: ["a=1", "b=2", "c=3"], host: "h", now: now)
        #expect(jar.cookieHeader(host: "h", path: "/", secure: false, now: now) == "b=2; c=3")
        #expect(jar.approximateBytes > 0)
    }
}
