import Foundation

/// A network namespace joined to this host by a veth pair: a second real
/// machine on the network, for tests of what crawld may connect to.
///
/// The pair gets a /30 from 11.0.0.0/8, a public-looking block no test
/// traffic leaves the host for: the host end (`hostAddress`) becomes one of
/// this host's own interface addresses, the namespace end
/// (`namespaceAddress`) an address that is not. Needs root and iproute2;
/// `isAvailable` says whether `ip netns` works here.
public final class NetworkNamespace: Sendable {
    public struct SetupError: Error, CustomStringConvertible {
        public let description: String
    }

    public let name: String
    /// The address of this host's end of the pair.
    public let hostAddress: String
    /// The address of the namespace's end of the pair.
    public let namespaceAddress: String
    private let hostLink: String

    /// Whether namespaces can be made here (root and `ip netns`); checked once, by making one.
    public static let isAvailable: Bool = {
        let probe = "crawld-probe-\(getpid())"
        guard (try? run(["ip", "netns", "add", probe])) != nil else { return false }
        try? run(["ip", "netns", "del", probe])
        return true
    }()

    /// Makes a namespace and its veth pair.
    /// - Parameter subnet: 0...63, so that tests running at once get pairs of their own.
    public init(subnet: Int) throws {
        let tag = "\(getpid() % 1000)x\(subnet)"
        name = "crawld-\(tag)"
        hostLink = "cwh\(tag)"
        let prefix = "11.\(getpid() % 250).\(subnet * 4)"
        hostAddress = "\(prefix).1"
        namespaceAddress = "\(prefix).2"
        let namespaceLink = "cwn\(tag)"
        try Self.run(["ip", "netns", "add", name])
        do {
            try Self.run(["ip", "link", "add", hostLink, "type", "veth", "peer", "name", namespaceLink])
            try Self.run(["ip", "link", "set", namespaceLink, "netns", name])
            try Self.run(["ip", "addr", "add", "\(hostAddress)/30", "dev", hostLink])
            try Self.run(["ip", "link", "set", hostLink, "up"])
            try Self.run(["ip", "-n", name, "addr", "add", "\(namespaceAddress)/30", "dev", namespaceLink])
            try Self.run(["ip", "-n", name, "link", "set", namespaceLink, "up"])
            try Self.run(["ip", "-n", name, "link", "set", "lo", "up"])
        } catch {
            remove()
            throw error
        }
    }

    /// Deletes the namespace and the pair (deleting one end deletes both). Safe to call twice.
    public func remove() {
        try? Self.run(["ip", "link", "del", hostLink])
        try? Self.run(["ip", "netns", "del", name])
    }

    deinit { remove() }

    @discardableResult
    private static func run(_ arguments: [String]) throws -> String {
        let outcome = try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), arguments)
        guard outcome.status == 0 else {
            throw SetupError(description: "\(arguments.joined(separator: " ")) failed: \(outcome.stdout)\(outcome.stderr)")
        }
        return outcome.stdout
    }
}
