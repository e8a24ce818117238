import Crypto

/// The `X-Crawld-Signature` header: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`,
/// keyed with the webhook's secret.
///
/// Stripe's scheme: the timestamp is signed with the body, so a receiver that
/// checks it is recent (say within 5 minutes) refuses a delivery replayed later,
/// and `v1` names the scheme so another can be added beside it. Each attempt is
/// signed anew with its own time.
public enum WebhookSignature {
    public static let header = "X-Crawld-Signature"

    /// The header's value for `body` sent at `timestamp` (seconds since 1970).
    public static func value(secret: String, timestamp: Int, body: [UInt8]) -> String {
        let key = SymmetricKey(data: Array(secret.utf8))
        var signed = Array("\(timestamp).".utf8)
        signed += body
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: key)
        let hex = mac.map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }.joined()
        return "t=\(timestamp),v1=\(hex)"
    }
}
