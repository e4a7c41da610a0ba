import Foundation
import Hummingbird
import HeraldCore
import HummingbirdCore

extension HeraldAPI {
    func addDeliveryRoutes(to router: Router<HeraldRequestContext>) {
        router.get("/v1/deliveries") { request, context in
            try context.require(.ops, .compliance)
            let query = try DeliveryQueryParser.parse(request.uri.queryParameters)
            let deliveries = try await deps.store.deliveries(query)
            let next = deliveries.count == query.limit ? deliveries.last.map { String($0.id) } : nil
            return try JSONResponse.make(DeliveryPage(deliveries: deliveries, nextCursor: next))
        }
    }
}

struct DeliveryPage: Encodable {
    var deliveries: [Delivery]
    var nextCursor: String?
}

enum DeliveryQueryParser {
    static func parse(_ parameters: FlatDictionary<Substring, Substring>) throws(HeraldError) -> DeliveryQuery {
        var query = DeliveryQuery()
        if let value = parameters["job_id"] {
            guard let id = Int64(value) else { throw .invalid("job_id", "must be a job id") }
            query.jobId = id
        }
        if let value = parameters["contact_id"] {
            try Identifier.validate(String(value), field: "contact_id")
            query.contactId = String(value)
        }
        if let value = parameters["channel"] {
            guard let kind = ChannelKind(rawValue: String(value)) else {
                throw .invalid("channel", "must be one of email, sms, push, messenger")
            }
            query.channel = kind
        }
        if let value = parameters["status"] {
            guard let state = DeliveryState(rawValue: String(value)) else {
                throw .invalid("status", "must be a delivery state such as queued, sent or suppressed")
            }
            query.state = state
        }
        if let value = parameters["since"] {
            guard let date = Timestamp.parse(String(value)) else { throw .invalid("since", "must be an RFC 3339 timestamp") }
            query.since = date
        }
        if let id = try PageCursor.id(parameters["cursor"]) { query.afterId = id }
        if let value = parameters["limit"] {
            guard let limit = Int(value), (1...1000).contains(limit) else { throw .invalid("limit", "must be 1–1000") }
            query.limit = limit
        }
        return query
    }
}
