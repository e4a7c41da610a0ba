import Foundation
import HeraldCore

/// How the dashboard shows an erased history: the erasure event as an erasure (not as a plain revocation of
/// everything), and erased events as erased rather than as events that never had evidence.
enum DashboardErasure {
    /// The banner of an erased history (looked up by its tombstone), or nil when `events` hold no erasure.
    static func summary(_ events: [ConsentEvent]) -> String? {
        guard let erasure = events.last(where: { ConsentErasure.erasedEventIds(in: $0) != nil }) else { return nil }
        let count = ConsentErasure.erasedEventIds(in: erasure)?.count ?? 0
        return """
            <section class="contact erased"><h2>Erased contact</h2><p>This person's data was erased on \
            \(Timestamp.format(erasure.occurredAt)) by \(DashboardHTML.escape(erasure.actor ?? "–")) (ledger event \
            #\(erasure.id)). Addresses, attributes and the evidence of \(count) ledger \(count == 1 ? "event" : "events") \
            are gone; the events themselves still verify in the chain.</p></section>
            """
    }

    /// The history row of an erasure event, or nil for any other event.
    static func row(_ event: ConsentEvent) -> String? {
        guard let ids = ConsentErasure.erasedEventIds(in: event) else { return nil }
        return """
            <tr class="erasure"><td>#\(event.id)</td><td colspan="4"><strong>erased</strong> — personal data of \
            \(ids.count) earlier \(ids.count == 1 ? "event" : "events") removed</td>\
            \(DashboardHTML.cell(event.actor ?? ""))<td class="muted">no personal data</td>\
            <td>\(Timestamp.format(event.occurredAt))</td><td><code>\(event.hash.prefix(12))…</code></td></tr>
            """
    }

    static func evidenceCell(_ event: ConsentEvent, _ evidence: String) -> String {
        if event.seal?.isErased == true { return "<td class=\"muted\"><em>erased</em></td>" }
        return "<td dir=\"auto\"><code>\(DashboardHTML.escape(evidence))</code></td>"
    }
}
