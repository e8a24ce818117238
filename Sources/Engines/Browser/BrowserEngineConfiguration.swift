/// The settings of one browser engine; part of the pool signature, so two
/// requests share a browser only when every setting here is equal.
///
/// Keys, defaults and ranges (`init(json:)` in `BrowserEngineConfiguration+JSON.swift`):
///
/// | key | type | default | |
/// |---|---|---|---|
/// | `viewport_width` | integer | 1280 | 16 ... 8192 CSS pixels |
/// | `viewport_height` | integer | 800 | 16 ... 8192 CSS pixels |
/// | `user_agent` | string or null | null | null keeps Chromium's own |
/// | `javascript` | boolean | true | false renders the HTML as served |
/// | `block` | array of strings | `[]` | resource types not fetched: `image`, `font`, `media` |
/// | `headers` | object of strings | `{}` | extra request headers; names are lower-cased |
/// | `timeout_ms` | integer | 30000 | 1 ... 600000; the whole render |
public struct BrowserEngineConfiguration: Sendable, Hashable {
    public static let kind = "browser"

    /// A resource type the browser can refuse to fetch, for speed.
    public enum BlockedResource: String, Sendable, Hashable, CaseIterable, Comparable {
        case image, font, media

        /// The DevTools `Network.ResourceType` name.
        var devtoolsName: String {
            switch self {
            case .image: return "Image"
            case .font: return "Font"
            case .media: return "Media"
            }
        }

        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    public var viewportWidth = 1280
    public var viewportHeight = 800
    /// nil keeps Chromium's own (`HeadlessChrome/...`).
    public var userAgent: String?
    public var javascript = true
    public var blocked: Set<BlockedResource> = []
    /// Extra request headers, names lower-cased.
    public var headers: [String: String] = [:]
    public var timeoutMilliseconds = 30_000

    /// The default configuration: what a request without a config gets.
    public init() {}

    /// A render's deadline unless the request sets its own.
    public var timeout: Duration { .milliseconds(timeoutMilliseconds) }
}
