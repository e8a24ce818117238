import Testing

@testable import Protocol

/// `PeerKey`: what the `auth` throttle and the `--http` listener's share count a client by.
@Suite struct PeerKeyTests {
    @Test func anIPv4AddressIsItsOwnKey() {
        #expect(PeerKey.of("10.0.0.1") == "10.0.0.1")
        #expect(PeerKey.of("::ffff:10.0.0.1") == "10.0.0.1")
    }

    @Test func anIPv6AddressCountsByItsSlash64() {
        #expect(PeerKey.of("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64")
        #expect(PeerKey.of("2001:db8:1:2::9") == "2001:db8:1:2::/64")
        #expect(PeerKey.of("2001:db8::1") == "2001:db8:0:0::/64")
        #expect(PeerKey.of("::1") == "0:0:0:0::/64")
    }
}
