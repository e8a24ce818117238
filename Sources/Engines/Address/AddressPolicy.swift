/// The `--deny-private` rule, in one place for every engine: whether crawld
/// may connect to an address.
///
/// Refused: every address that is not public unicast
/// (`IPAddress.Classification`, IANA's special-purpose registries, with the
/// IPv4 inside mapped, NAT64, 6to4 and Teredo addresses judged too) and every
/// address of this host's own interfaces (`HostAddresses`), which reach
/// services bound to 0.0.0.0. An operator without `--deny-private` has no
/// policy: callers hold an `AddressPolicy?` and skip the check when nil.
///
/// Callers check the address they are about to connect to, not a name:
/// `checkedAddresses(of:)` resolves once and hands back the addresses it
/// judged, so the connection goes where the check looked (no DNS rebinding).
public struct AddressPolicy: Sendable {
    public enum Verdict: Sendable, Equatable {
        case allowed
        /// Why, for a person: "127.0.0.1 is a loopback address".
        case refused(reason: String)
    }

    let hostAddresses: HostAddresses

    public init(hostAddresses: HostAddresses = .shared) {
        self.hostAddresses = hostAddresses
    }

    public func check(_ address: IPAddress) -> Verdict {
        let kind = address.classification
        if kind != .publicUnicast {
            let article = kind == .unspecified ? "an" : "a"
            return .refused(reason: "\(address) is \(article) \(kind) address")
        }
        for candidate in [address] + address.embeddedIPv4 where hostAddresses.contains(candidate) {
            return .refused(reason: "\(address) is an address of this host")
        }
        return .allowed
    }

    /// Resolves `host` (a name or a literal IP, without brackets) once and
    /// checks every address it gives: one refused address refuses the host,
    /// since the connection may pick any of them.
    /// - Returns: the addresses checked, in getaddrinfo's order; connect to these.
    /// - Throws: `EngineError` `.dns` when the name does not resolve,
    ///   `.blockedAddress` when an address is refused. The message never
    ///   depends on a port, so it tells a client nothing about what listens.
    public func checkedAddresses(of host: String) async throws(EngineError) -> [IPAddress] {
        let addresses: [IPAddress]
        do {
            addresses = try await IPAddress.resolve(host)
        } catch {
            throw EngineError(.dns, "cannot resolve host '\(host)': \(error.message)")
        }
        for address in addresses {
            if case .refused(let reason) = check(address) {
                throw EngineError(.blockedAddress, "\(host): \(reason) (refused by --deny-private)")
            }
        }
        return addresses
    }
}
