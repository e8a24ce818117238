import Crawl
import FoundationEssentials
import JSON

/// `webhook: {"url": U, "events": ["done", "failed", "progress"], "secret": S}`:
/// where a job's events are POSTed (`WebhookDispatcher`), checked at submit.
///
/// The secret stays in the job's stored parameters (its checkpoint: Redis or
/// `--state-dir`, whose access the operator already guards) and nowhere else:
/// `job.status` shows the URL without its query or user info, and nothing logs either.
public struct WebhookSpec: Sendable, Equatable {
    /// The events a webhook may ask for.
    public enum Event: String, Sendable, CaseIterable {
        /// The job completed (or was cancelled): its records are all written.
        case done
        /// The job failed (its `failure` says why).
        case failed
        /// The job's progress, at most once per `WebhookDispatcher.progressInterval`.
        case progress
    }

    public var url: String
    public var events: Set<Event>
    /// The HMAC-SHA256 key of `X-Crawld-Signature`; nil sends no signature.
    public var secret: String?

    /// The longest secret accepted, in bytes.
    public static let maxSecretBytes = 1024

    static func parse(_ value: JSONValue) throws(JobError) -> WebhookSpec {
        guard let members = value.objectValue else {
            throw JobError(.badRequest, "'webhook' must be an object {url, events, secret}, got \(value.typeName)", field: "webhook")
        }
        if let unknown = members.keys.first(where: { !["url", "events", "secret"].contains($0) }) {
            throw JobError(.badRequest, "unknown parameter 'webhook.\(unknown)'", field: "webhook.\(unknown)")
        }
        let reader = JSONObjectReader(members)
        let url: String
        let names: [String]
        let secret: String?
        do {
            url = try reader.requiredString("url")
            names = try reader.strings("events", max: Event.allCases.count) ?? [Event.done.rawValue, Event.failed.rawValue]
            secret = try reader.string("secret")
        } catch {
            throw JobError(.badRequest, error.message, field: "webhook.\(error.key)")
        }
        do {
            _ = try URLValidator.checkSyntax(url)
        } catch {
            throw JobError(.invalidURL, "'webhook.url': \(error.message)", field: "webhook.url")
        }
        var events: Set<Event> = []
        for (index, name) in names.enumerated() {
            guard let event = Event(rawValue: name) else {
                throw JobError(.badRequest, "'webhook.events[\(index)]' must be done, failed or progress, got '\(name.prefix(64))'", field: "webhook.events[\(index)]")
            }
            events.insert(event)
        }
        guard !events.isEmpty else { throw JobError(.badRequest, "'webhook.events' needs at least one event", field: "webhook.events") }
        if let secret {
            guard !secret.isEmpty, secret.utf8.count <= maxSecretBytes else {
                throw JobError(.badRequest, "'webhook.secret' must be 1 to \(maxSecretBytes) bytes", field: "webhook.secret")
            }
        }
        return WebhookSpec(url: url, events: events, secret: secret)
    }

    /// The URL as `job.status` shows it: no user info, query or fragment, where a token might hide.
    public var displayURL: String {
        guard var components = URLComponents(string: url) else { return "" }
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        return components.string ?? ""
    }
}
