import Foundation
import HTTPTypes
import Hummingbird

/// CSRF defence for the preference form, beside the token it must carry in its body: a browser that says
/// where a POST comes from (`Sec-Fetch-Site`, `Origin`) must say it comes from this site. Clients that say
/// nothing (older browsers, scripts holding the link) still need the token, which only the link holder has.
enum PreferenceRequestCheck {
    static func isSameOrigin(_ request: Request, publicBaseURL: String) -> Bool {
        if let site = request.headers[secFetchSite], site != "same-origin", site != "none" { return false }
        guard let origin = request.headers[.origin] else { return true }
        var allowed = [siteOrigin(of: publicBaseURL)]
        if let host = request.head.authority {
            allowed += ["http://\(host.lowercased())", "https://\(host.lowercased())"]
        }
        return allowed.contains(origin.lowercased())
    }

    private static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!

    /// `https://example.com/base` → `https://example.com`.
    private static func siteOrigin(of url: String) -> String {
        let lowered = url.lowercased()
        guard let scheme = lowered.range(of: "://") else { return lowered }
        let rest = lowered[scheme.upperBound...]
        return String(lowered[..<scheme.upperBound]) + String(rest.prefix { $0 != "/" })
    }
}
