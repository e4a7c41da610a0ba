/// What one channel would send, field names as in a job's content.
public struct ChannelRender: Encodable, Sendable, Hashable {
    /// The `locales` key used; absent for the default content.
    public var variant: String?
    public var variantReason: String
    public var subject: String?
    public var text: String?
    public var html: String?
    public var title: String?
    public var body: String?
    public var data: [String: String]?
    /// SMS only: `GSM-7` or `UCS-2`, the units billed (septets or UTF-16 units), segments, and whether they
    /// fit `policy.sms.max_segments`.
    public var encoding: String?
    public var units: Int?
    public var segments: Int?
    public var withinSegmentLimit: Bool?
    public var missingPlaceholders: [String]

    public init(_ preview: ChannelPreview, smsMaxSegments: Int) {
        variant = preview.match.variant
        variantReason = preview.match.reason
        missingPlaceholders = preview.missingPlaceholders
        switch preview.content {
        case .email(let subject, let text, let html):
            (self.subject, self.text, self.html) = (subject, text, html)
        case .sms(let text), .messenger(let text):
            self.text = text
        case .push(let title, let body, let data):
            (self.title, self.body, self.data) = (title, body, data)
        }
        if let length = preview.smsLength {
            encoding = length.encoding == .gsm7 ? "GSM-7" : "UCS-2"
            units = length.units
            segments = length.segments
            withinSegmentLimit = length.segments <= smsMaxSegments
        }
    }
}
