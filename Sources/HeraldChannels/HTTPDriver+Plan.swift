import Foundation
import HeraldCore

/// The profile's send request and response rules bound to one channel instance (base URL, options,
/// secrets), so planning a message fills in only its own fields, and only those the profile reads.
struct BoundSendPlan: Sendable {
    let request: BoundRequestPlan
    let classifier: CompiledClassifier
    /// The message fields the request or the message-id template read; `templateValues` fills only these.
    let fieldsRead: FieldSlots

    init(profile: Profile, baseURL: String, options: [String: String], secrets: [String: String]) {
        request = BoundRequestPlan(RequestPlan(sendOf: profile), baseURL: baseURL, options: options, secrets: secrets)
        classifier = CompiledClassifier(profile)
        fieldsRead = request.fieldsRead.union(classifier.fieldsRead)
    }
}

extension HTTPProfileDriver {
    /// A message turned into its provider request, with what classifying the answer needs.
    struct PlannedRequest {
        var prepared: PreparedRequest
        var values: TemplateValues
        var address: String
    }

    enum SendPlan {
        case request(PlannedRequest)
        /// Nothing to send: the message cannot go through this channel.
        case done(SendResult)
    }

    func plan(_ message: OutboundMessage) -> SendPlan {
        // A loop, not `first(where: handles(address:))`: that method reference copied the whole driver
        // (a retain and a release per stored reference) for every message.
        var handled: String?
        for address in message.addresses where handles(address: address) {
            handled = address
            break
        }
        guard let address = handled else {
            return .done(SendResult(outcome: .permanent, error: "no address this channel handles"))
        }
        let text: String
        switch message.content {
        case .sms(let t), .messenger(let t): text = t
        case .email, .push: return .done(SendResult(outcome: .permanent, error: "content kind not supported by this channel"))
        }
        let values = templateValues(message, address: address, text: text)
        do {
            let prepared = try sendPlan.request.prepare(values)
            return .request(PlannedRequest(prepared: prepared, values: values, address: address))
        } catch {
            return .done(SendResult(outcome: .permanent, error: "request could not be built from profile \(profile.id)"))
        }
    }

    func classify(_ response: ProviderResponse, for request: PlannedRequest) -> SendResult {
        var result = sendPlan.classifier.classify(response, values: request.values, now: Date.init)
        if result.outcome == .invalidAddress { result.invalidAddresses = [request.address] }
        return result
    }
}
