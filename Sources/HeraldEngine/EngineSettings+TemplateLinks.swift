import Foundation
import HeraldCore

extension EngineSettings {
    /// The links `{{unsubscribe_url}}` and `{{preferences_url}}` render to in one claimed delivery.
    func templateLinks(for claimed: ClaimedDelivery, now: Date) -> TemplateLinks? {
        TemplateLinks.signed(
            baseURL: publicBaseURL, secret: unsubscribeSecret, contactId: claimed.contact.id, channel: claimed.channel,
            topic: claimed.job.topic, now: now,
            preferencesLink: preferenceKeys?.link(baseURL: publicBaseURL, contactId: claimed.contact.id, now: now))
    }
}
