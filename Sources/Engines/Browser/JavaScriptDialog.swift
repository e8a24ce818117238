/// A JavaScript dialog a page opened while it rendered: `alert`, `confirm`,
/// `prompt` or `beforeunload`.
///
/// No one is there to answer, and a dialog left open stops the page's
/// scripts (and its load) until the deadline. So every dialog is answered
/// as it opens: `beforeunload` is accepted (the page may be left), the others
/// dismissed (`confirm` gets `false`, `prompt` gets `null`). The result lists
/// them so that a client sees what the page asked.
public struct JavaScriptDialog: Sendable, Equatable {
    /// At most this many dialogs are listed per render; a page that opens
    /// dialogs in a loop keeps rendering, the list stops growing.
    public static let maxListed = 20
    /// Messages longer than this many characters are cut and end in `…`.
    public static let maxMessageLength = 500

    /// `alert`, `confirm`, `prompt` or `beforeunload`, as Chromium names it.
    public var type: String
    public var message: String

    /// - Parameter message: cut to ``maxMessageLength`` characters.
    public init(type: String, message: String) {
        self.type = type
        self.message = message.count > Self.maxMessageLength ? String(message.prefix(Self.maxMessageLength)) + "…" : message
    }

    /// Whether to accept a dialog of `type` rather than dismiss it: only
    /// `beforeunload`, so that leaving or closing the page is never held up.
    static func accepts(_ type: String) -> Bool { type == "beforeunload" }
}
