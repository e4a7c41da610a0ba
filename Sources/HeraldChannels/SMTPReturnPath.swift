import HeraldCore

/// The envelope sender (SMTP `MAIL FROM`, which the receiving MTA writes as `Return-Path`) of each message:
/// with a `bounce_domain`, a signed VERP address naming the delivery, so bounces match without guessing;
/// without, the channel's `from`.
public struct SMTPReturnPath: Sendable {
    public var signer: VERPSigner
    public var bounceDomain: String

    public init(signer: VERPSigner, bounceDomain: String) {
        self.signer = signer
        self.bounceDomain = bounceDomain
    }

    func address(deliveryId: Int64, channelId: String) -> String {
        signer.address(deliveryId: deliveryId, channelId: channelId, domain: bounceDomain)
    }
}
