import FoundationEssentials

extension URL {
    /// The host as a resolver and `AddressPolicy` take it: an IPv6 literal
    /// without its brackets, a name as it is; empty when there is no host.
    public var lookupHost: String {
        (host ?? "").filter { $0 != "[" && $0 != "]" }
    }
}
