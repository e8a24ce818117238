// libFuzzer target: the JSON decoder (Sources/JSON). Any bytes either fail with a
// `JSONParseError` or give a value whose encoding parses back to the same value.
import JSON

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let value = try? JSONValue.parse(UnsafeRawBufferPointer(start: data, count: size)) else { return 0 }
    let encoded = value.encoded()
    guard let again = try? JSONValue.parse(encoded) else { fatalError("the encoding \(value.encodedString()) does not parse") }
    if again != value { fatalError("\(value.encodedString()) comes back as \(again.encodedString())") }
    return 0
}
