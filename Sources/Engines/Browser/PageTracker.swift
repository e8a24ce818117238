import JSON
import Synchronization

/// Follows one page's DevTools events (on the reader thread) and lets the
/// render wait for a condition on them (on its task).
///
/// Events are recorded whether or not anyone waits yet, so an early `load`
/// is never lost between sending `Page.navigate` and starting to wait.
final class PageTracker: Sendable {
    /// What the events said about the main frame so far.
    struct Page {
        /// Lifecycle event names (`load`, `networkIdle`, ...) per loader id.
        var lifecycle: [String: Set<String>] = [:]
        /// The main document response per loader id.
        var responses: [String: Response] = [:]
        /// The main frame's URL as of its last navigation.
        var url: String?
        /// The dialogs opened so far, the first `JavaScriptDialog.maxListed`.
        var dialogs: [JavaScriptDialog] = []
    }

    /// The main document's response, as `Network.responseReceived` gave it.
    struct Response {
        var status: Int
        var mimeType: String?
    }

    private struct Waiter {
        var condition: @Sendable (Page) -> Bool
        var continuation: CheckedContinuation<Void, Error>
    }

    private struct State {
        var page = Page()
        var waiters: [Int: Waiter] = [:]
        var nextWaiter = 0
        var failure: BrowserError?
    }

    /// The main frame's id, which for a page target is the target id.
    let mainFrame: String
    private let state = Mutex(State())

    init(mainFrame: String) {
        self.mainFrame = mainFrame
    }

    /// What has been seen so far.
    var page: Page { state.withLock { $0.page } }

    /// Why the page failed (see ``fail(_:)``), or nil.
    var failure: BrowserError? { state.withLock { $0.failure } }

    /// Forgets what the last render saw, before a session's page renders again.
    func beginRender() {
        state.withLock { $0.page = Page() }
    }

    /// Records one event and wakes every waiter whose condition now holds.
    func handle(_ method: String, _ params: JSONValue) {
        if method == "Inspector.targetCrashed" { return fail(BrowserError(.crashed, "the page's renderer crashed")) }
        guard let params = params.objectValue else { return }
        let woken: [CheckedContinuation<Void, Error>] = state.withLock { state in
            switch method {
            case "Page.lifecycleEvent":
                guard params["frameId"]?.stringValue == mainFrame, let loader = params["loaderId"]?.stringValue,
                    let name = params["name"]?.stringValue
                else { return [] }
                state.page.lifecycle[loader, default: []].insert(name)
            case "Page.frameNavigated":
                guard let frame = params["frame"]?.objectValue, frame["id"]?.stringValue == mainFrame else { return [] }
                state.page.url = frame["url"]?.stringValue
            case "Page.javascriptDialogOpening":
                guard state.page.dialogs.count < JavaScriptDialog.maxListed else { return [] }
                let dialog = JavaScriptDialog(type: params["type"]?.stringValue ?? "alert", message: params["message"]?.stringValue ?? "")
                state.page.dialogs.append(dialog)
                return []
            case "Network.responseReceived":
                guard params["type"]?.stringValue == "Document", params["frameId"]?.stringValue == mainFrame,
                    let loader = params["loaderId"]?.stringValue, let response = params["response"]?.objectValue
                else { return [] }
                let status = Int(response["status"]?.intValue ?? 0)
                state.page.responses[loader] = Response(status: status, mimeType: response["mimeType"]?.stringValue)
            default:
                return []
            }
            let ready = state.waiters.filter { $0.value.condition(state.page) }
            for id in ready.keys { state.waiters.removeValue(forKey: id) }
            return ready.values.map(\.continuation)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Waits until `condition` holds for the page.
    /// - Throws: the failure given to ``fail(_:)`` (the browser died or was
    ///   killed at the deadline), or `BrowserError.timeout` when the task is cancelled.
    func wait(until condition: @escaping @Sendable (Page) -> Bool) async throws {
        let id = state.withLock { state in
            defer { state.nextWaiter += 1 }
            return state.nextWaiter
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
                let outcome: Result<Void, BrowserError>? = state.withLock { state in
                    if let failure = state.failure { return .failure(failure) }
                    if Task.isCancelled { return .failure(BrowserError(.timeout, "request cancelled")) }
                    if condition(state.page) { return .success(()) }
                    state.waiters[id] = Waiter(condition: condition, continuation: continuation)
                    return nil
                }
                if let outcome { continuation.resume(with: outcome.mapError { $0 }) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.continuation.resume(throwing: BrowserError(.timeout, "request cancelled"))
        }
    }

    /// Fails every wait, now and later, with `error`.
    func fail(_ error: BrowserError) {
        let waiters = state.withLock { state in
            if state.failure == nil { state.failure = error }
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.continuation.resume(throwing: error) }
    }
}
