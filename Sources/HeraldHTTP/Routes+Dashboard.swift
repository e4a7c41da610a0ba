import Foundation
import Hummingbird
import HeraldCore
import HeraldEngine

/// `/ui`: the ops and compliance dashboard (see DashboardAuth for how a browser signs in).
extension HeraldAPI {
    func addDashboardRoutes(to router: Router<HeraldRequestContext>) {
        addDashboardAuthRoutes(to: router)

        router.get("/ui") { request, context in
            if let signIn = try await signInFromQuery(request) { return signIn }
            guard let role = dashboardRole(context) else { return signInResponse() }
            let body = try await DashboardOverview(deps: deps, now: deps.now()).render()
            return DashboardHTML.response(DashboardHTML.page(title: "Overview", role: role, body: body, refresh: true))
        }

        router.get("/ui/contact") { request, context in
            if let signIn = try await signInFromQuery(request) { return signIn }
            guard let role = dashboardRole(context) else { return signInResponse() }
            let id = request.uri.queryParameters["id"].map(String.init)?.trimmingCharacters(in: .whitespaces) ?? ""
            var body = DashboardViews.lookupForm(action: "/ui/contact", label: "Contact id", value: id)
            if !id.isEmpty {
                let compliance = context.role?.permits(.compliance) == true
                if compliance { try await recordAccess(context, action: "dashboard_consent", query: "contact_id=\(id)") }
                body += try await DashboardContactView(deps: deps, contactId: id, showHistory: compliance).render()
            }
            return DashboardHTML.response(DashboardHTML.page(title: "Contact", role: role, body: body))
        }

        router.get("/ui/delivery") { request, context in
            if let signIn = try await signInFromQuery(request) { return signIn }
            guard let role = dashboardRole(context) else { return signInResponse() }
            let id = try DashboardDeliveryId.parse(request.uri.queryParameters.getAll("id"))
            var body = DashboardViews.lookupForm(action: "/ui/delivery", label: "Delivery id", value: id.map(String.init) ?? "")
            if let id {
                let delivery = try await (deps.ops.dashboard?.delivery(id: id))
                body += delivery.map(DashboardViews.trace) ?? "<section class=\"wide\"><p>No delivery \(id).</p></section>"
            }
            return DashboardHTML.response(DashboardHTML.page(title: "Delivery trace", role: role, body: body))
        }
    }

    /// `?key=…` on any dashboard page signs in and redirects to the same page without the key in the URL.
    private func signInFromQuery(_ request: Request) async throws -> Response? {
        guard let key = request.uri.queryParameters["key"] else { return nil }
        let rest = (request.uri.query ?? "").split(separator: "&").filter { !$0.hasPrefix("key=") }.joined(separator: "&")
        return try await signIn(key: String(key), redirectTo: request.uri.path + (rest.isEmpty ? "" : "?" + rest))
    }

    private func dashboardRole(_ context: HeraldRequestContext) -> String? {
        DashboardAuth.isDashboardRole(context.role) ? context.role?.rawValue : nil
    }

    private func signInResponse() -> Response {
        DashboardHTML.response(DashboardAuth.signInPage(), status: .unauthorized)
    }
}

/// The overview: queue depth and throughput charts, current queue, recent failures, jobs with progress.
struct DashboardOverview {
    let deps: APIDependencies
    let now: Date

    func render() async throws -> String {
        var html = ""
        html += section("Queue depth per channel (last hour)", DashboardCharts.lineChart(
            title: "queue depth", series: depthSeries(), unit: "pending"))
        html += section("Throughput per channel (sends per minute, last hour)", DashboardCharts.lineChart(
            title: "throughput", series: try await throughputSeries(), unit: "/min"))
        if let stats = try await deps.ops.queueStats?.queueStats(now: now) {
            html += section("Queue now", DashboardViews.queueTable(stats))
        }
        if let dashboard = deps.ops.dashboard {
            html += section("Recent failures", DashboardViews.failures(try await dashboard.recentFailures(limit: 20)), wide: true)
            var jobs: [(job: Job, status: JobStatus, progress: JobProgress)] = []
            for job in try await dashboard.recentJobs(limit: 20) {
                let (status, progress) = try await deps.progress(of: job)
                jobs.append((job, status, progress))
            }
            html += section("Jobs", DashboardViews.jobs(jobs), wide: true)
        }
        if let webhooks = try await DashboardWebhooks.section(deps.webhooks) { html += section("Webhooks", webhooks, wide: true) }
        html += section("Look up", DashboardViews.lookupForm(action: "/ui/contact", label: "Contact id", value: "", bare: true)
            + DashboardViews.lookupForm(action: "/ui/delivery", label: "Delivery id", value: "", bare: true))
        return html
    }

    private func section(_ title: String, _ body: String, wide: Bool = false) -> String {
        "<section\(wide ? " class=\"wide\"" : "")><h2>\(DashboardHTML.escape(title))</h2>\(body)</section>"
    }

    private func depthSeries() -> [DashboardCharts.Series] {
        let samples = deps.ops.queueHistory?.snapshot() ?? []
        return ChannelKind.allCases.map { kind in
            let points = samples.map { (now.timeIntervalSince($0.at), Double($0.depth[kind] ?? 0)) }
            return DashboardCharts.Series(channel: kind, points: points, summary: "now \(Int(points.last?.1 ?? 0))")
        }
    }

    private func throughputSeries() async throws -> [DashboardCharts.Series] {
        let points = try await deps.ops.dashboard?.throughput(since: now.addingTimeInterval(-3600)) ?? []
        return ChannelKind.allCases.map { kind in
            let mine = points.filter { $0.channel == kind }
            return DashboardCharts.Series(
                channel: kind, points: mine.map { (now.timeIntervalSince($0.minute), Double($0.sent)) },
                summary: "\(mine.reduce(0) { $0 + $1.sent }) in the last hour")
        }
    }
}
