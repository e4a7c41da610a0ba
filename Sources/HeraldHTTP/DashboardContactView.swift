import Foundation
import HeraldCore

/// A contact with masked addresses, current consent per channel/topic and — for compliance keys — the
/// ledger history with evidence, plus the contact's recent deliveries.
struct DashboardContactView {
    let deps: APIDependencies
    let contactId: String
    let showHistory: Bool

    func render() async throws -> String {
        let events = try await deps.store.consentEvents(contactId: contactId)
        let deliveries = try await deps.store.deliveries(DeliveryQuery(contactId: contactId, limit: 50))
        guard let contact = try await deps.store.contact(id: contactId) else {
            if let erasure = DashboardErasure.summary(events) { return erasure + history(events) + recent(deliveries) }
            return "<section class=\"wide\"><p dir=\"auto\">No contact “\(DashboardHTML.escape(contactId))”.</p></section>"
        }
        return summary(contact) + current(ConsentState.current(events)) + history(events) + recent(deliveries)
    }

    private func summary(_ contact: Contact) -> String {
        var rows: [(String, String)] = [("id", contact.id), ("timezone", contact.timezone ?? "–"), ("locale", contact.locale ?? "–")]
        if let email = contact.email { rows.append(("email", Redaction.mask(email))) }
        if let phone = contact.phone { rows.append(("phone", Redaction.mask(phone))) }
        for token in contact.pushTokens { rows.append(("push (\(token.platform.rawValue))", Redaction.mask(token.token))) }
        if let chat = contact.telegramChatId { rows.append(("telegram", Redaction.mask(chat))) }
        if let whatsapp = contact.whatsapp { rows.append(("whatsapp", Redaction.mask(whatsapp))) }
        if let name = contact.attributes["first_name"], case .string(let text) = name { rows.append(("first name", text)) }
        let body = rows.map { "<tr><th>\($0.0)</th>\(DashboardHTML.cell($0.1))</tr>" }.joined()
        return "<section class=\"contact\"><h2>Contact</h2><table class=\"addresses\">\(body)</table></section>"
    }

    private func current(_ states: [ConsentState]) -> String {
        let rows = states.map { state in
            """
            <tr><td>\(DashboardHTML.escape(state.channel))</td>\(DashboardHTML.cell(state.topic))\
            <td class="\(state.status.rawValue)">\(state.status.rawValue)</td>\
            \(DashboardHTML.cell(DashboardConsentSource.label(state.source, evidence: nil)))\
            <td>\(Timestamp.format(state.occurredAt))</td><td>#\(state.eventId)</td></tr>
            """
        }.joined()
        return """
            <section class="consent"><h2>Current consent</h2><table class="consent-current"><tr><th>channel</th><th>topic</th>\
            <th>status</th><th>source</th><th>since</th><th>event</th></tr>\
            \(rows.isEmpty ? "<tr><td colspan=6 class=muted>no consent recorded</td></tr>" : rows)</table></section>
            """
    }

    private func history(_ events: [ConsentEvent]) -> String {
        guard showHistory else {
            return "<section class=\"wide\"><p class=\"muted\">The consent history with evidence needs a compliance key.</p></section>"
        }
        let rows = events.reversed().map { event in
            if let row = DashboardErasure.row(event) { return row }
            let evidence = event.evidence.flatMap { try? HeraldJSON.encoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
            return """
                <tr><td>#\(event.id)</td><td>\(DashboardHTML.escape(event.channel))</td>\(DashboardHTML.cell(event.topic))\
                <td class="\(event.status.rawValue)">\(event.status.rawValue)</td>\
                \(DashboardHTML.cell(DashboardConsentSource.label(event.source, evidence: event.evidence)))\
                \(DashboardHTML.cell(event.actor ?? ""))\(DashboardErasure.evidenceCell(event, evidence))\
                <td>\(Timestamp.format(event.occurredAt))</td><td><code>\(event.hash.prefix(12))…</code></td></tr>
                """
        }.joined()
        return """
            <section class="wide consent-history"><h2>Consent history (newest first)</h2><table><tr><th>event</th><th>channel</th>\
            <th>topic</th><th>status</th><th>source</th><th>actor</th><th>evidence</th><th>occurred</th><th>hash</th></tr>\
            \(rows)</table></section>
            """
    }

    private func recent(_ deliveries: [Delivery]) -> String {
        guard !deliveries.isEmpty else { return "" }
        let rows = deliveries.reversed().map { delivery in
            let state = delivery.reason.map { "\(delivery.state.rawValue) (\($0.rawValue))" } ?? delivery.state.rawValue
            return """
                <tr><td><a href="/ui/delivery?id=\(delivery.id)">\(delivery.id)</a></td><td>\(delivery.jobId)</td>\
                <td>\(delivery.channel.rawValue)</td><td>\(state)</td><td>\(Timestamp.format(delivery.updatedAt))</td></tr>
                """
        }.joined()
        return """
            <section class="wide"><h2>Deliveries</h2><table class="contact-deliveries"><tr><th>delivery</th><th>job</th>\
            <th>channel</th><th>state</th><th>updated</th></tr>\(rows)</table></section>
            """
    }
}
