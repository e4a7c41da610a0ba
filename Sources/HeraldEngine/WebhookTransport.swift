import Foundation

/// What the dispatcher needs from HTTP: one POST, its status and `Retry-After`.
public protocol WebhookTransport: Sendable {
    func post(url: String, headers: [(String, String)], body: [UInt8], timeout: TimeInterval) async throws
        -> WebhookResponse
    func shutdown() async
}

public struct WebhookResponse: Sendable {
    public var status: Int
    public var retryAfter: String?

    public init(status: Int, retryAfter: String? = nil) {
        self.status = status
        self.retryAfter = retryAfter
    }

    public var succeeded: Bool { (200..<300).contains(status) }
}
