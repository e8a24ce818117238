import Engines
import JSON
import Pool

/// The engine a request runs on: its kind and its configuration with
/// defaults filled, whose signature keys the pool.
///
/// Every request and the permanent engine go through `init(kind:config:)`,
/// so a request without a config gets exactly the permanent engine's
/// signature (the pool this design comes from shipped a permanent browser
/// no request could match).
enum EngineSelection: Sendable {
    case http(HTTPEngineConfiguration)
    case browser(BrowserEngineConfiguration)

    init(kind: String, config: JSONObject) throws(CrawlError) {
        do {
            switch kind {
            case HTTPEngineConfiguration.kind:
                self = .http(try HTTPEngineConfiguration(json: .object(config)))
            case BrowserEngineConfiguration.kind:
                self = .browser(try BrowserEngineConfiguration(json: .object(config)))
            default:
                throw CrawlError(.engineUnavailable, "engine '\(kind)' is not available (known: http, browser)")
            }
        } catch let error as EngineError {
            throw CrawlError(.badRequest, error.message)
        } catch let error as CrawlError {
            throw error
        } catch {
            throw CrawlError(.badRequest, "\(error)")
        }
    }

    var kind: String {
        switch self {
        case .http: HTTPEngineConfiguration.kind
        case .browser: BrowserEngineConfiguration.kind
        }
    }

    var signature: EngineSignature {
        switch self {
        case .http(let configuration): configuration.signature
        case .browser(let configuration): configuration.signature
        }
    }
}
