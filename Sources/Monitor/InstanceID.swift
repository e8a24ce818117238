/// The id of one crawld instance, safe to put inside a Redis key.
///
/// Only letters, digits, `-`, `_` and `.`, at most 64 characters: a `:` would
/// let one id reach into another's keys and a `*` would turn a key into a
/// pattern. The CLI validates the id at start with `init(_:)`.
public struct InstanceID: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    /// - Throws: `MonitorError(.invalidInstanceID)` saying which rule was broken.
    public init(_ raw: String) throws(MonitorError) {
        guard !raw.isEmpty else { throw MonitorError(.invalidInstanceID, "instance id is empty") }
        guard raw.utf8.count <= 64 else {
            throw MonitorError(.invalidInstanceID, "instance id is longer than 64 characters")
        }
        for scalar in raw.unicodeScalars {
            let allowed =
                (scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)))
                || scalar == "-" || scalar == "_" || scalar == "."
            guard allowed else {
                throw MonitorError(
                    .invalidInstanceID,
                    "instance id '\(raw)' has '\(scalar)'; allowed are letters, digits, '-', '_', '.'"
                )
            }
        }
        rawValue = raw
    }

    public var description: String { rawValue }
}
