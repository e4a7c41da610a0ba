import Foundation
import HeraldCore

extension HTTPProfileDriver {
    /// What `send` does for one message, with `answer` standing in for the provider's response: the
    /// request it would hand to the transport (nil when the message cannot go through this channel) and
    /// the result of classifying the answer. The codec benchmark calls it, so it measures the driver's
    /// own path and not a copy of it that could drift.
    @_spi(Benchmarks)
    public func sendOffline(_ message: OutboundMessage, answer: ProviderResponse) -> (
        request: PreparedRequest?, result: SendResult
    ) {
        switch plan(message) {
        case .done(let result): (nil, result)
        case .request(let request): (request.prepared, classify(answer, for: request))
        }
    }
}
