import FoundationEssentials
import JSON

extension BrowserEngine {
    // MARK: - Request interception (--deny-private)

    /// Holds every request of every page of this browser for a decision:
    /// `Fetch.enable` on the browser target (not a page's session) pauses
    /// requests of all its targets alike, frames and workers included, and
    /// redirects pause again as new requests. Called once at start when the
    /// engine has an address guard.
    /// - Throws: `BrowserError` when Chromium refuses; the browser must not
    ///   serve pages unguarded, so the start fails.
    func startInterception(on connection: CDPConnection) async throws {
        connection.subscribe(session: "") { [weak self] method, params in
            if method == "Fetch.requestPaused" { self?.intercept(params) }
        }
        _ = try await connection.send("Fetch.enable", ["patterns": [["urlPattern": "*", "requestStage": "Request"]]])
    }

    /// Decides one paused request (on the reader thread, so the check runs
    /// in a task of its own: a name lookup must not stall the pipe). A
    /// blocked resource type fails at once with `BlockedByClient`; a refused
    /// host with `AddressUnreachable`, and when it is the main frame's
    /// document the render fails with `blockedAddress` (set on the page's
    /// tracker before Chromium hears the refusal, so the render sees it first).
    ///
    /// An unstructured task, on purpose: bounded work (one check, one
    /// command) that belongs to Chromium's request, not to any Swift task.
    private func intercept(_ params: JSONValue) {
        guard let event = params.objectValue, let id = event["requestId"],
            let url = event["request"]?.objectValue?["url"]?.stringValue,
            let connection = state.withLock({ $0.running?.connection })
        else { return }
        let type = event["resourceType"]?.stringValue
        if let type, configuration.blocked.contains(where: { $0.devtoolsName == type }) {
            connection.send("Fetch.failRequest", ["requestId": id, "errorReason": "BlockedByClient"]) { _ in }
            return
        }
        let frame = type == "Document" ? event["frameId"]?.stringValue : nil
        Task { [self] in
            guard let reason = await refusal(of: url) else {
                connection.send("Fetch.continueRequest", ["requestId": id]) { _ in }
                return
            }
            let shown = url.count > 200 ? "\(url.prefix(200))..." : url
            logger.info("browser request refused", metadata: ["crawld.browser.url": "\(shown)", "crawld.browser.reason": "\(reason)"])
            if let frame {
                let tracker = state.withLock { $0.trackers.values.first { $0.mainFrame == frame } }
                tracker?.fail(BrowserError(.blockedAddress, "\(shown): \(reason)"))
            }
            connection.send("Fetch.failRequest", ["requestId": id, "errorReason": "AddressUnreachable"]) { _ in }
        }
    }

    /// Why the browser may not request `url`, or nil when it may. `data:`,
    /// `blob:` and `about:` reach no network; `http`/`https` go to the guard
    /// with their host; any other scheme is refused.
    private func refusal(of url: String) async -> String? {
        guard let pins else { return nil }
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased() else { return "not a URL the browser may fetch" }
        switch scheme {
        case "data", "blob", "about":
            return nil
        case "http", "https":
            let host = parsed.lookupHost
            guard !host.isEmpty else { return "the URL has no host" }
            do throws(EngineError) {
                _ = try await pins.addresses(of: host.lowercased())
                return nil
            } catch {
                return error.message
            }
        default:
            return "scheme '\(scheme)' is not fetched under --deny-private"
        }
    }
}
