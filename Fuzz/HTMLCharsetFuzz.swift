// libFuzzer target: charset sniffing and transcoding (Sources/HTML/HTMLCharset.swift).
// The first byte picks the HTTP header's charset (none, or one of a few labels); the rest is the
// body. Whatever the bytes, what reaches the parser must be valid UTF-8.
@testable import HTML

private let headerCharsets: [String?] = [nil, "utf-8", "windows-1252", "shift_jis", "utf-16le", "iso-2022-jp", "x-unknown"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTMLCharset(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let header = headerCharsets[Int(data[0]) % headerCharsets.count]
    let body = UnsafeBufferPointer(start: data + 1, count: size - 1)
    let (valid, _) = HTMLCharset.withUTF8(body, headerCharset: header) { HTMLCharset.isValidUTF8($0) }
    if !valid { fatalError("the parser would get invalid UTF-8 (header \(header ?? "none"))") }
    return 0
}
