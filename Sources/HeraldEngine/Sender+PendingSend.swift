import HeraldCore

extension Sender {
    /// One delivery of a batch on its way through its candidate instances.
    struct PendingSend {
        let index: Int
        let claimed: ClaimedDelivery
        let message: OutboundMessage
        let segments: Int?
        /// The instances to try, in order: routed ones first, then failover.
        let candidates: [InstanceGuard]
        /// The candidate to try next.
        var next = 0
        var attempts: [Attempt] = []
        var last: SendResult?

        init(
            index: Int, claimed: ClaimedDelivery, rendered: RenderedContent, unsubscribeURL: String?, router: ChannelRouter,
            sender: Sender
        ) {
            let addresses = claimed.contact.addresses(on: claimed.channel)
            self.index = index
            self.claimed = claimed
            self.message = OutboundMessage(
                deliveryId: claimed.deliveryId, jobId: claimed.jobId, contactId: claimed.contact.id,
                channel: claimed.channel, purpose: claimed.job.purpose, topic: claimed.job.topic,
                addresses: addresses, content: rendered, unsubscribeURL: unsubscribeURL,
                // One key per delivery, the same on every attempt: a resend after a crash or a timeout is the
                // duplicate a de-duplicating provider can then drop (SPEC §7).
                idempotencyKey: "herald-\(claimed.deliveryId)", attempt: claimed.attempt,
                urgent: claimed.job.effectivePriority >= sender.settings.expressPriority)
            self.segments = if case .sms(let text) = rendered { SMSLength(measuring: text).segments } else { nil }
            self.candidates = router.candidates(for: claimed.channel, addresses: addresses)
        }
    }
}
