import Hummingbird
import NIOCore

/// The dashboard's page, script and style, compiled into the binary
/// (`PackageResources`, SwiftPM's `embedInCode`): crawld serves every byte
/// the page needs and the page fetches nothing from anywhere else, so it
/// works on a host with no outside network and leaks nothing to a CDN.
enum DashboardAssets {
    /// Scripts and styles come only from this origin (`default-src 'self'`),
    /// the socket only to this origin; nothing may frame the page.
    static let policy =
        "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

    static func register(on router: Router<some Hummingbird.RequestContext>) {
        router.get("/") { _, _ in
            Response(status: .seeOther, headers: [.location: "/dashboard"])
        }
        serve(router, "/dashboard", PackageResources.dashboard_html, type: "text/html; charset=utf-8")
        serve(router, "/dashboard/dashboard.js", PackageResources.dashboard_js, type: "text/javascript; charset=utf-8")
        serve(router, "/dashboard/dashboard.css", PackageResources.dashboard_css, type: "text/css; charset=utf-8")
    }

    private static func serve(_ router: Router<some Hummingbird.RequestContext>, _ path: RouterPath, _ bytes: [UInt8], type: String) {
        let body = ByteBuffer(bytes: bytes)
        router.get(path) { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: type, .contentSecurityPolicy: policy, .xContentTypeOptions: "nosniff", .cacheControl: "no-cache"],
                body: ResponseBody(byteBuffer: body)
            )
        }
    }
}
