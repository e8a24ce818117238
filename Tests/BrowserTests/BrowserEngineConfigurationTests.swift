import JSON
import Testing

@testable import Engines

struct BrowserEngineConfigurationTests {
    @Test func absentNullAndEmptyGiveTheDefaults() throws {
        let defaults = BrowserEngineConfiguration()
        #expect(try BrowserEngineConfiguration(json: nil) == defaults)
        #expect(try BrowserEngineConfiguration(json: .null) == defaults)
        #expect(try BrowserEngineConfiguration(json: [:]) == defaults)
        #expect(try BrowserEngineConfiguration(json: defaults.canonicalJSON).signature == defaults.signature)
    }

    @Test func readsEveryKeyAndRoundTrips() throws {
        let json: JSONValue = [
            "viewport_width": 640, "viewport_height": 360, "user_agent": "bot/1", "javascript": false,
            "block": ["media", "image"], "headers": ["X-Test": "yes"], "timeout_ms": 5000,
        ]
        let configuration = try BrowserEngineConfiguration(json: json)
        #expect(configuration.viewportWidth == 640)
        #expect(configuration.viewportHeight == 360)
        #expect(configuration.userAgent == "bot/1")
        #expect(configuration.javascript == false)
        #expect(configuration.blocked == [.image, .media])
        #expect(configuration.headers == ["x-test": "yes"])
        #expect(configuration.timeout == .seconds(5))
        #expect(try BrowserEngineConfiguration(json: configuration.canonicalJSON) == configuration)
    }

    @Test func spellingsOfOneConfigurationShareASignature() throws {
        let first = try BrowserEngineConfiguration(json: ["block": ["font", "image"], "headers": ["X-A": "1"]])
        let second = try BrowserEngineConfiguration(json: ["headers": ["x-a": "1"], "block": ["image", "font"], "javascript": true])
        #expect(first.signature == second.signature)
        #expect(first.signature != BrowserEngineConfiguration().signature)
    }

    @Test(
        arguments: [
            (JSONValue.string("x"), "must be an object"),
            (["viewport_width": 4], "viewport_width"),
            (["block": ["scripts"]], "block"),
            (["javascript": "yes"], "javascript"),
            (["timeout": 5], "unknown key 'timeout'"),
        ] as [(JSONValue, String)])
    func badValuesAreRefusedNamingTheKey(json: JSONValue, named: String) {
        let error = #expect(throws: EngineError.self) { try BrowserEngineConfiguration(json: json) }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.message.contains(named) == true)
    }
}
