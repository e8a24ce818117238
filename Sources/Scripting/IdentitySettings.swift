import JSON

/// One identity of policies.lua's `identities` table: what a request sent
/// as it looks to a site (its proxy, user agent, headers and cookie jar),
/// rotated together when the site blocks it.
public struct IdentitySettings: Sendable, Equatable {
    /// The identity's name, as `identity_for` answers it and the monitor shows it.
    public var name: String
    /// What the identity sets in the HTTP engine config: `proxy` (a name from
    /// `proxies`), `user_agent`, `headers`. It wins over a job's own config.
    public var config: JSONObject
    /// The cookie jar its requests share within a job: its `cookie_jar`, by
    /// default its own name (identities naming one jar share it).
    public var cookieJar: String

    public init(name: String, config: JSONObject, cookieJar: String) {
        self.name = name
        self.config = config
        self.cookieJar = cookieJar
    }
}
