import Engines
import Pool
import JSON
import Testing

@Suite struct HTTPEngineConfigurationTests {
    @Test func absentEmptyAndSpelledOutDefaultsShareOneSignature() throws {
        let defaults = HTTPEngineConfiguration()
        let spelled: JSONValue = [
            "user_agent": "crawld/0.1", "headers": [:], "timeout_ms": 30000, "connect_timeout_ms": 10000,
            "follow_redirects": true, "max_redirects": 10, "max_body_bytes": 10_485_760, "proxy": nil,
            "verify_tls": true, "decompression": true,
        ]
        for json: JSONValue? in [nil, .null, [:], spelled, ["timeout_ms": 30000.0]] {
            let configuration = try HTTPEngineConfiguration(json: json)
            #expect(configuration == defaults)
            #expect(configuration.signature == defaults.signature)
        }
    }

    @Test func keyOrderAndHeaderCaseDoNotChangeTheSignature() throws {
        let a = try HTTPEngineConfiguration(json: ["timeout_ms": 5000, "verify_tls": false, "headers": ["X-Token": "t", "Accept": "a"]])
        let b = try HTTPEngineConfiguration(json: ["headers": ["accept": "a", "x-token": "t"], "verify_tls": false, "timeout_ms": 5000])
        #expect(a.signature == b.signature)
        #expect(a.headers == ["x-token": "t", "accept": "a"])
    }

    @Test(arguments: [
        ["timeout_ms": 29999] as JSONValue, ["user_agent": "bot/2"], ["headers": ["x-a": "1"]], ["proxy": "http://127.0.0.1:3128"],
        ["verify_tls": false], ["decompression": false], ["max_body_bytes": 1024], ["follow_redirects": false],
        ["max_redirects": 3], ["connect_timeout_ms": 500], ["cookies": "shared"],
    ])
    func anyDifferentValueGivesADifferentSignature(_ json: JSONValue) throws {
        let changed = try HTTPEngineConfiguration(json: json)
        #expect(changed.signature != HTTPEngineConfiguration().signature)
    }

    @Test func kindIsPartOfTheSignature() {
        let canonical = HTTPEngineConfiguration().canonicalJSON
        #expect(EngineSignature(kind: "http", canonical: canonical) != EngineSignature(kind: "browser", canonical: canonical))
    }

    /// The pinned hex was computed outside Swift, from the algorithm as
    /// `EngineSignature` documents it (FNV-1a 64 twice + fmix64 over
    /// `http\n` and the sorted compact JSON), so this also checks the algorithm.
    @Test func signatureIsStableAcrossRunsAndMachines() {
        let signature = HTTPEngineConfiguration().signature
        #expect(signature.hex == "bdefa765ec47c691baa1c1d1b9ae07cd")
        #expect(signature.short == "bdefa765")
        #expect(signature.matches(prefix: "BDEFA765"))
        #expect(signature.matches(prefix: signature.hex))
        #expect(!signature.matches(prefix: "00000000"))
    }

    @Test func canonicalFormHasEveryKeySortedAndReadsBackEqual() throws {
        let configuration = try HTTPEngineConfiguration(json: ["proxy": "SOCKS5://Proxy.Local:1080", "headers": ["B": "2", "A": "1"]])
        let canonical = try #require(configuration.canonicalJSON.objectValue)
        #expect(
            Array(canonical.keys) == [
                "connect_timeout_ms", "decompression", "follow_redirects", "headers", "max_body_bytes", "max_redirects", "proxy",
                "timeout_ms", "user_agent", "verify_tls",
            ])
        #expect(canonical["headers"]?.objectValue.map { Array($0.keys) } == ["a", "b"])
        #expect(canonical["proxy"] == "socks5://proxy.local:1080")
        #expect(try HTTPEngineConfiguration(json: configuration.canonicalJSON) == configuration)
    }

    static let badConfigs: [(JSONValue, String)] = [
        (["timout_ms": 10], "http config: unknown key 'timout_ms' (known keys: connect_timeout_ms, cookies, decompression,"),
        (["timeout_ms": "10"], "http config: 'timeout_ms' must be an integer, got string"),
        (["timeout_ms": 1.5], "http config: 'timeout_ms' must be an integer, got 1.5"),
        (["timeout_ms": 0], "http config: 'timeout_ms' must be between 1 and 600000, got 0"),
        (["verify_tls": "yes"], "http config: 'verify_tls' must be a boolean, got string"),
        (["cookies": "per-site"], "http config: 'cookies' must be \"client\" or \"shared\", got 'per-site'"),
        (["headers": ["x": 1]], "http config: 'headers' must be an object of strings, but 'x' is number"),
        (["headers": ["Host": "a"]], "http config: 'headers' may not set 'host' (the engine sets it)"),
        (["headers": ["User-Agent": "a"]], "http config: 'headers' may not set 'user-agent' (use 'user_agent')"),
        (["headers": ["bad name": "a"]], "http config: 'headers' has an invalid header name 'bad name'"),
        (["headers": ["X-A": "1", "x-a": "2"]], "http config: 'headers' sets 'x-a' twice (header names ignore case)"),
        (["headers": ["x-a": "1\r\nx-b: 2"]], "http config: 'headers' 'x-a' may not contain CR, LF or NUL"),
        (["proxy": "ftp://a:1"], "http config: 'proxy' must look like http://host:port or socks5://host:port, got 'ftp://a:1'"),
        (["proxy": "http://a"], "http config: 'proxy' must look like http://host:port or socks5://host:port, got 'http://a'"),
        ("fast", "http config must be an object, got string"),
    ]

    @Test(arguments: badConfigs)
    func badConfigsAreRefusedWithTheKeyNamed(_ json: JSONValue, _ message: String) {
        #expect {
            try HTTPEngineConfiguration(json: json)
        } throws: { error in
            guard let error = error as? EngineError else { return false }
            return error.code == .invalidConfiguration && error.message.hasPrefix(message)
        }
    }

    @Test func proxyParsesBracketedIPv6() throws {
        let proxy = try #require(HTTPProxy("http://[::1]:3128"))
        #expect(proxy.host == "::1")
        #expect(proxy.port == 3128)
        #expect(proxy.description == "http://[::1]:3128")
    }
}
