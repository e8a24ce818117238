import JSON
import Jobs
import Protocol

/// `monitor.identities`: policies.lua's identities with their use and block
/// counts and the hosts each is retired for now.
struct MonitorIdentitiesOp: Op {
    let name = "monitor.identities"
    let parameterKeys: Set<String> = []
    let book: IdentityBook

    func run(_ request: Request, context: RequestContext) async throws -> JSONObject {
        ["identities": .array(await book.rows())]
    }
}
