import JSON
import Synchronization

/// `EngineSelection(kind:config:)` remembered for the configs requests
/// come with: nearly every request gets one of the few policies.lua hands
/// out, and reading a config and hashing its canonical form is a measurable
/// part of a small page's crawl (docs/benchmarks.md).
///
/// Bounded: past `capacity` distinct configs (clients sending configs of
/// their own) it starts over, so no client can make it grow. Only configs
/// that read are kept; a bad one throws its error every time.
final class EngineSelectionCache: Sendable {
    private struct Key: Hashable {
        let kind: String
        let config: JSONObject
    }

    private let entries = Mutex<[Key: EngineSelection]>([:])
    private let capacity: Int

    init(capacity: Int = 64) {
        self.capacity = capacity
    }

    func selection(kind: String, config: JSONObject) throws(CrawlError) -> EngineSelection {
        let key = Key(kind: kind, config: config)
        if let known = entries.withLock({ $0[key] }) { return known }
        let selection = try EngineSelection(kind: kind, config: config)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = selection
        }
        return selection
    }
}
