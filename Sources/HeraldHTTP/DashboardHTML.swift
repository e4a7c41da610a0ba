import Foundation
import Hummingbird
import NIOCore

/// The dashboard's page shell: server-rendered HTML, one small inline stylesheet and script, no build step.
/// `dir="auto"` on the page and on every cell of user data lets Persian and Arabic text run right-to-left.
enum DashboardHTML {
    static func escape(_ text: String) -> String { UnsubscribePage.escape(text) }

    /// A table cell of user-supplied text, with its own direction.
    static func cell(_ text: String) -> String { "<td dir=\"auto\">\(escape(text))</td>" }

    static func page(title: String, role: String?, body: String, refresh: Bool = false) -> String {
        let nav =
            role.map { role in
                """
                <nav><a href="/ui">Overview</a> <a href="/ui/contact">Contact</a> <a href="/ui/delivery">Delivery trace</a>
                <span class="who">signed in as \(escape(role)) · <a href="/ui/logout">sign out</a></span></nav>
                """
            } ?? ""
        let script =
            refresh
            ? """
            <script>
            // Reload the overview every 30 s while the tab is visible; no framework, no build step.
            setInterval(function () { if (!document.hidden) location.reload(); }, 30000);
            </script>
            """ : ""
        return """
            <!doctype html>
            <html lang="en" dir="auto"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
            <title>\(escape(title)) · Herald</title><style>\(style)</style></head>
            <body dir="auto"><header><h1>Herald</h1>\(nav)</header><main>
            \(body)
            </main>\(script)</body></html>
            """
    }

    static func response(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .init("Content-Security-Policy")!: "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'",
            ],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    static let style = """
        body{font-family:system-ui,sans-serif;margin:0;color:#1d2330;background:#f5f6f8}
        header{background:#1d2330;color:#fff;padding:.6em 1.2em;display:flex;gap:2em;align-items:baseline}
        header h1{font-size:1.2em;margin:0} nav a{color:#cfe0ff;margin-right:1em} .who{color:#9aa;font-size:.85em}
        main{padding:1em 1.2em;display:grid;gap:1em;grid-template-columns:repeat(auto-fit,minmax(34em,1fr))}
        section{background:#fff;border-radius:6px;padding:.8em 1em;box-shadow:0 1px 2px #0002}
        section.wide{grid-column:1/-1} h2{font-size:1em;margin:.2em 0 .6em}
        table{border-collapse:collapse;width:100%;font-size:.88em} td,th{padding:.3em .5em;border-bottom:1px solid #e4e6ea;text-align:start}
        .bar{background:#e4e6ea;border-radius:3px;height:.9em;min-width:8em;display:flex;overflow:hidden}
        .bar span{display:block;height:100%} .sent{background:#2e9e5b} .failed{background:#d9534f} .suppressed{background:#a0a4ad}
        .pending{background:#f0ad4e} .granted{color:#2e7d32;font-weight:600} .revoked{color:#c62828;font-weight:600}
        .legend span{display:inline-block;margin-right:1em;font-size:.8em} .legend i{display:inline-block;width:.8em;height:.8em;margin-right:.3em}
        code,pre{font-size:.85em;background:#f0f1f4;padding:.1em .3em;border-radius:3px;white-space:pre-wrap}
        form.inline input{padding:.3em;width:16em} .muted{color:#778}
        """
}
