import Engines
import TestSupport
import Testing

/// `AddressPolicy` and the classification under it: IANA's special-purpose
/// ranges, the IPv4 inside IPv6 transition addresses, the host's own addresses.
@Suite struct AddressPolicyTests {
    @Test(arguments: [
        ("0.1.2.3", "reserved"), ("10.0.0.1", "private"), ("100.64.0.1", "private"), ("100.127.255.254", "private"),
        ("127.0.0.1", "loopback"), ("127.255.0.9", "loopback"), ("169.254.169.254", "link-local"), ("172.16.0.1", "private"),
        ("172.31.255.1", "private"), ("192.0.0.8", "reserved"), ("192.0.2.1", "documentation"), ("192.88.99.1", "reserved"),
        ("192.168.0.1", "private"), ("198.18.0.1", "reserved"), ("198.19.255.1", "reserved"),
        ("198.51.100.1", "documentation"), ("203.0.113.1", "documentation"), ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"), ("240.0.0.1", "reserved"), ("255.255.255.255", "reserved"), ("0.0.0.0", "unspecified"),
        ("::", "unspecified"), ("::1", "loopback"), ("::ffff:127.0.0.1", "loopback"), ("::ffff:10.1.1.1", "private"),
        ("::127.0.0.1", "loopback"), ("::8.8.8.8", "reserved"), ("::ffff:0:169.254.1.1", "link-local"),
        ("64:ff9b::7f00:1", "loopback"), ("64:ff9b::a00:1", "private"), ("64:ff9b:1::1", "reserved"),
        ("100::1", "reserved"), ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "documentation"),
        ("2001:0:4136:e378:8000:63bf:f7f7:f7f7", "public"),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback"), ("2001:0:7f00:1::1", "loopback"), ("2001:2::1", "reserved"),
        ("2001:db8::1", "documentation"), ("3fff::1", "documentation"), ("2002:7f00:1::", "loopback"),
        ("2002:c0a8:101::1", "private"), ("2002:808:808::1", "public"), ("fc00::1", "private"), ("fd12::1", "private"),
        ("fe80::1", "link-local"), ("febf::1", "link-local"), ("fec0::1", "reserved"), ("ff02::1", "multicast"),
        ("5f00::1", "reserved"), ("4000::1", "reserved"),
    ])
    func classifiesSpecialPurposeRanges(_ text: String, _ kind: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.classification.rawValue == kind)
    }

    @Test(arguments: ["8.8.8.8", "1.1.1.1", "93.184.216.34", "100.128.0.1", "172.32.0.1", "192.0.3.1", "2606:4700::1111", "2a00:1450::1"])
    func allowsPublicUnicast(_ text: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.classification == .publicUnicast)
        #expect(AddressPolicy(hostAddresses: HostAddresses()).check(address) == .allowed)
    }

    @Test func refusalSaysWhatTheAddressIs() throws {
        let policy = AddressPolicy(hostAddresses: HostAddresses())
        #expect(policy.check(try #require(IPAddress("::127.0.0.1"))) == .refused(reason: "::127.0.0.1 is a loopback address"))
        #expect(policy.check(try #require(IPAddress("0.0.0.0"))) == .refused(reason: "0.0.0.0 is an unspecified address"))
    }

    @Test func teredoClientIsStoredXored() throws {
        let teredo = try #require(IPAddress("2001:0:4136:e378:8000:63bf:3fff:fdd2"))
        #expect(teredo.embeddedIPv4.map(\.description) == ["65.54.227.120", "192.0.2.45"])
    }

    @Test func everyInterfaceAddressOfThisHostIsRefused() throws {
        let own = HostAddresses.interfaceAddresses()
        #expect(own.contains(try #require(IPAddress("127.0.0.1"))))
        let policy = AddressPolicy(hostAddresses: HostAddresses())
        for address in own {
            guard case .refused = policy.check(address) else {
                Issue.record("\(address), an address of this host, was allowed")
                continue
            }
        }
    }

    /// A real second address: the host end of a veth pair is this host's, the
    /// namespace end is another machine's, and both are public-looking, so
    /// only the interface check tells them apart. The pair is made after the
    /// first read, so the host end is caught by a refresh.
    @Test(.enabled(if: NetworkNamespace.isAvailable, "needs root and iproute2 (ip netns)"))
    func theHostsOwnAddressesAreRefusedAndAnotherMachinesAreNot() throws {
        let hostAddresses = HostAddresses(missInterval: .zero)
        let policy = AddressPolicy(hostAddresses: hostAddresses)
        _ = hostAddresses.contains(try #require(IPAddress("127.0.0.1"))) // the first read, before the pair exists
        let namespace = try NetworkNamespace(subnet: 1)
        defer { namespace.remove() }
        let own = try #require(IPAddress(namespace.hostAddress))
        let other = try #require(IPAddress(namespace.namespaceAddress))
        #expect(own.classification == .publicUnicast)
        #expect(policy.check(own) == .refused(reason: "\(own) is an address of this host"))
        #expect(policy.check(other) == .allowed)
        let mapped = try #require(IPAddress("::ffff:\(namespace.hostAddress)"))
        #expect(policy.check(mapped) == .refused(reason: "\(mapped) is an address of this host"))
    }

    @Test func literalParsingTakesOnlyAddresses() {
        #expect(IPAddress("localhost") == nil)
        #expect(IPAddress("[::1]") == nil)
        #expect(IPAddress("1.2.3.4")?.bytes == [1, 2, 3, 4])
    }
}
