/// How much one copy of a value out of Lua may hold, so that what a script
/// returns cannot take more of Swift's memory than its state may hold of Lua's.
///
/// Lua shares tables and Swift copies them: a result built as `a = {a, a}`
/// twenty times deep is a few KB in Lua and 2^20 values in Swift. Both limits
/// count what Swift makes, each shared table once per reference.
struct LuaCopyLimit: Sendable, Equatable, CustomStringConvertible {
    /// Values (strings, numbers, tables, ... each one).
    var values: Int
    /// String bytes plus `bytesPerValue` for each value.
    var bytes: Int

    /// About what one value costs in Swift besides its string bytes (the
    /// enum's cell and its slot in an array or dictionary).
    static let bytesPerValue = 32

    var description: String { "\(values) values or \(bytes >> 20) MiB" }
}
