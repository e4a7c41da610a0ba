import Foundation
import Hummingbird
import HeraldCore
import NIOCore

extension HeraldAPI {
    /// Provider callbacks: delivery receipts move deliveries on; STOP-style replies revoke SMS consent.
    func addInboundRoutes(to router: Router<HeraldRequestContext>) {
        // Most providers POST; Kannel reports receipts by GET.
        router.on("/v1/inbound/:channel_id", method: .post) { request, context in
            try await handleInbound(request, context: context)
        }
        router.on("/v1/inbound/:channel_id", method: .get) { request, context in
            try await handleInbound(request, context: context)
        }
    }

    private func handleInbound(_ request: Request, context: HeraldRequestContext) async throws -> Response {
            guard let inbound = deps.inbound else { throw HeraldError.notFound("channel") }
            let channelId = try context.identifier("channel_id", field: "channel_id")
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let query = request.uri.query
            // Unknown channel, wrong secret: answered from the head, before the body is read.
            try inbound.admit(channelId: channelId, headers: headers, query: query)
            let body = try await request.bodyData(context: context, limit: BodyLimits.inbound)
            let events = try await inbound.parse(channelId: channelId, headers: headers, query: query, body: body)
            if case .challenge(let text) = events.first {
                return Response(
                    status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
                    body: .init(byteBuffer: ByteBuffer(string: text)))
            }
            if let response = try await emailReportResponse(events, channelId: channelId) { return response }
            var receipts = 0
            var optOuts = 0
            for event in events {
                switch event {
                case .receipt(let id, let state):
                    if try await deps.store.applyReceipt(instance: channelId, providerMessageId: id, state: state, at: deps.now()) {
                        receipts += 1
                    }
                case .reply(let from, let text):
                    guard OptOutKeywords.isOptOut(text) else { continue }
                    optOuts += try await recordSMSOptOut(from: from, text: text, channelId: channelId)
                case .ignored, .challenge, .emailReport, .subscriptionConfirmed:
                    continue
                }
            }
            return try JSONResponse.make(["receipts": receipts, "opt_outs": optOuts])
    }

    /// Revokes SMS consent for every contact with this phone number, keeping the reply as evidence.
    private func recordSMSOptOut(from phone: String, text: String, channelId: String) async throws -> Int {
        let contacts = try await deps.store.contacts(phone: phone)
        for contact in contacts {
            let input = ConsentInput(
                contactId: contact.id, channel: ChannelKind.sms.rawValue, topic: "*", status: .revoked,
                source: "sms_keyword", evidence: ["text": .string(text), "channel_id": .string(channelId)],
                actor: "recipient", occurredAt: deps.now())
            _ = try await deps.store.appendConsent(input, at: deps.now())
        }
        return contacts.count
    }
}
