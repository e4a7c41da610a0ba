import Foundation
import HeraldCore

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
        guard let address = message.addresses.first(where: handles(address:)) else {
            return .done(SendResult(outcome: .permanent, error: "no address this channel handles"))
        }
        let text: String
        switch message.content {
        case .sms(let t), .messenger(let t): text = t
        case .email, .push: return .done(SendResult(outcome: .permanent, error: "content kind not supported by this channel"))
        }
        let values = templateValues(message, address: address, text: text)
        do {
            let prepared = try sendPlan.prepare(baseURL: baseURL, values: values)
            return .request(PlannedRequest(prepared: prepared, values: values, address: address))
        } catch {
            return .done(SendResult(outcome: .permanent, error: "request could not be built from profile \(profile.id)"))
        }
    }

    func classify(_ response: ProviderResponse, for request: PlannedRequest) -> SendResult {
        var result = profile.classify(response, values: request.values, now: Date())
        if result.outcome == .invalidAddress { result.invalidAddresses = [request.address] }
        return result
    }
}
