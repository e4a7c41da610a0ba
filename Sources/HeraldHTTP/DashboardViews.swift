import Foundation
import HeraldCore
import HeraldEngine

/// HTML fragments of the dashboard. Every value that came from a user or provider is escaped, and cells of
/// user data carry `dir="auto"` so right-to-left text lays out correctly.
enum DashboardViews {
    static func lookupForm(action: String, label: String, value: String, bare: Bool = false) -> String {
        let form = """
            <form method="get" action="\(action)" class="inline"><label>\(label) <input name="id" dir="auto" \
            value="\(DashboardHTML.escape(value))"></label> <button type="submit">Show</button></form>
            """
        return bare ? form : "<section class=\"wide\">\(form)</section>"
    }

    static func queueTable(_ stats: QueueStats) -> String {
        let rows = stats.buckets.sorted { ($0.channel.rawValue, $0.state.rawValue) < ($1.channel.rawValue, $1.state.rawValue) }
            .map { "<tr><td>\($0.channel.rawValue)</td><td>\($0.state.rawValue)</td><td>\($0.lane.label)</td><td>\($0.count)</td></tr>" }
            .joined()
        return """
            <p>Oldest due delivery waiting: <strong class="oldest-due">\(Int(stats.oldestDueAge.rounded())) s</strong></p>
            <table class="queue"><tr><th>channel</th><th>state</th><th>lane</th><th>count</th></tr>\
            \(rows.isEmpty ? "<tr><td colspan=4 class=muted>queue is empty</td></tr>" : rows)</table>
            """
    }

    static func failures(_ deliveries: [Delivery]) -> String {
        guard !deliveries.isEmpty else { return "<p class=\"muted\">No failures.</p>" }
        let rows = deliveries.map { delivery in
            // Provider texts may echo an address back; the dashboard shows it masked like the logs do.
            let reason = DeliveryEventLog.scrub(delivery.attempts.last?.error ?? delivery.trace.last?.detail ?? "")
            let state = delivery.reason.map { "\(delivery.state.rawValue) (\($0.rawValue))" } ?? delivery.state.rawValue
            return """
                <tr class="failure"><td><a href="/ui/delivery?id=\(delivery.id)">\(delivery.id)</a></td><td>\(delivery.jobId)</td>\
                <td>\(delivery.channel.rawValue)</td>\(DashboardHTML.cell(delivery.instance ?? "–"))<td>\(state)</td>\
                \(DashboardHTML.cell(reason))<td>\(Timestamp.format(delivery.updatedAt))</td></tr>
                """
        }.joined()
        return """
            <table class="failures"><tr><th>delivery</th><th>job</th><th>channel</th><th>instance</th><th>state</th>\
            <th>reason</th><th>when</th></tr>\(rows)</table>
            """
    }

    static func jobs(_ jobs: [(job: Job, status: JobStatus, progress: JobProgress)]) -> String {
        guard !jobs.isEmpty else { return "<p class=\"muted\">No jobs yet.</p>" }
        let rows = jobs.map { job, status, progress in
            let total = max(progress.total, 1)
            func count(_ states: DeliveryState...) -> Int { states.reduce(0) { $0 + (progress.byState[$1.rawValue] ?? 0) } }
            let parts = [
                ("sent", count(.sent, .delivered)), ("failed", count(.failed)), ("suppressed", count(.suppressed)),
                ("pending", progress.pending),
            ]
            let bar = parts.filter { $0.1 > 0 }.map { name, value in
                "<span class=\"\(name)\" style=\"width:\(Double(value) * 100 / Double(total))%\" title=\"\(name) \(value)\"></span>"
            }.joined()
            let done = progress.total - progress.pending
            return """
                <tr class="job"><td>\(job.id)</td>\(DashboardHTML.cell(job.spec.idempotencyKey))<td>\(job.spec.purpose.rawValue)</td>\
                <td>\(job.spec.channels.map(\.rawValue).joined(separator: ", "))</td><td>\(status.rawValue)</td>\
                <td><div class="bar" role="progressbar" aria-valuenow="\(done)" aria-valuemax="\(progress.total)">\(bar)</div></td>\
                <td class="progress-text">\(done)/\(progress.total)</td></tr>
                """
        }.joined()
        return """
            <div class="legend"><span><i class="sent"></i>sent</span><span><i class="failed"></i>failed</span>\
            <span><i class="suppressed"></i>suppressed</span><span><i class="pending"></i>pending</span></div>
            <table class="jobs"><tr><th>job</th><th>idempotency key</th><th>purpose</th><th>channels</th><th>status</th>\
            <th>progress</th><th></th></tr>\(rows)</table>
            """
    }

    static func trace(_ delivery: Delivery) -> String {
        let steps = delivery.trace.map { step in
            """
            <tr><td>\(DashboardHTML.escape(step.rule))</td><td>\(DashboardHTML.escape(step.outcome))</td>\
            \(DashboardHTML.cell(DeliveryEventLog.scrub(step.detail)))<td>\(step.consentEventId.map(String.init) ?? "")</td>\
            <td>\(step.at.map(Timestamp.format) ?? "")</td></tr>
            """
        }.joined()
        let attempts = delivery.attempts.map { attempt in
            """
            <tr><td>\(attempt.number)</td>\(DashboardHTML.cell(attempt.instance))<td>\(attempt.outcome.rawValue)</td>\
            <td>\(attempt.latencyMs) ms</td>\(DashboardHTML.cell(attempt.providerMessageId ?? ""))\
            \(DashboardHTML.cell(DeliveryEventLog.scrub(attempt.error ?? "")))<td>\(Timestamp.format(attempt.at))</td></tr>
            """
        }.joined()
        let state = delivery.reason.map { "\(delivery.state.rawValue) (\($0.rawValue))" } ?? delivery.state.rawValue
        // Which locale variant was sent, when the content had variants (the `content` trace step).
        let variant = delivery.trace.last { $0.rule == "content" }.map { step in
            let name = step.outcome == "default" ? "default content" : step.outcome
            return " · <span class=\"variant\">\(DashboardHTML.escape(name))</span>"
        }
        return """
            <section class="wide delivery"><h2>Delivery \(delivery.id)</h2>
            <p>job <strong>\(delivery.jobId)</strong> · contact <a dir="auto" href="/ui/contact?id=\(urlEscape(delivery.contactId))">\
            \(DashboardHTML.escape(delivery.contactId))</a> · \(delivery.channel.rawValue) · state <strong class="state">\(state)</strong>\
            \(delivery.smsSegments.map { " · \($0) SMS segments" } ?? "")\(variant ?? "")</p>
            <h2>Decision trace</h2><table class="trace"><tr><th>rule</th><th>outcome</th><th>detail</th><th>consent event</th>\
            <th>at</th></tr>\(steps)</table>
            <h2>Attempts</h2>\(attempts.isEmpty ? "<p class=\"muted\">No attempts.</p>" : """
                <table class="attempts"><tr><th>#</th><th>instance</th><th>outcome</th><th>latency</th>\
                <th>provider id</th><th>error</th><th>at</th></tr>\(attempts)</table>
                """)</section>
            """
    }

    static func urlEscape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+#"))) ?? ""
    }
}
