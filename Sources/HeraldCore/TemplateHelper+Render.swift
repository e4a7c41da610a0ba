import Foundation

/// What helpers need besides the contact context: whose conventions to write numbers and dates in.
struct HelperEnvironment {
    /// The variant's tag when a variant was picked, else the contact's locale.
    var locale: String?
    var timeZone: String?
}

extension TemplateHelper {
    /// The helper's text for one render; NSNull (renders empty) when there is nothing to show.
    func value(in context: [String: Any], _ environment: HelperEnvironment) -> Any {
        var text = Self.text(TemplateContextPath.value(at: path, in: context))
        for filter in filters {
            switch filter {
            case .fallback(let fallback):
                if text?.isEmpty ?? true { text = fallback }
            case .number:
                if let number = text.flatMap(Self.decimal) {
                    text = number.formatted(.number.locale(Self.locale(environment)))
                }
            case .digits:
                text = text.map { Self.localDigits($0, Self.locale(environment)) }
            case .date:
                if let (date, calendarDay) = text.flatMap(Self.date) {
                    var style = Date.FormatStyle(date: .long, time: .omitted).locale(Self.locale(environment))
                    let zone = environment.timeZone.flatMap(TimeZone.init(identifier:))
                    style.timeZone = calendarDay ? .gmt : zone ?? .gmt
                    text = date.formatted(style)
                }
            }
        }
        return text.map { $0 as Any } ?? NSNull()
    }

    /// A scalar's text. A list or an object has none a message could show (Swift would write `["a": 1]`), so
    /// it counts as missing: it renders empty, or as the `default` given.
    private static func text(_ value: Any?) -> String? {
        switch value {
        case nil: nil
        case let value? where value is TemplateList || value is TemplateObject: nil
        case let text as String: text
        case let flag as Bool: flag ? "true" : "false"
        case let value?: String(describing: value)
        }
    }

    /// Text that reads as a JSON number, as an exact `Decimal`: through a Double, 12345678901234567 (which
    /// attributes keep exactly) printed as 12345678901234568. A number with more than 38 significant digits or
    /// an exponent past ±127 does not fit one and is left as written.
    private static func decimal(_ text: String) -> Decimal? {
        switch try? FastJSON.parse(text) {
        case .number?, .decimal?:
            JSONNumberLiteral.significantDigits(text.utf8) <= 38 ? Decimal(string: text) : nil
        default: nil
        }
    }

    /// `2026-12-01` (a calendar date, shown as that day whatever the zone) or an RFC 3339 instant (shown in
    /// the contact's zone).
    private static func date(_ text: String) -> (date: Date, calendarDay: Bool)? {
        if text.count == 10, Timestamp.hasRealCalendarDay(text),
            let day = try? Date(text + "T12:00:00Z", strategy: .iso8601)
        {
            return (day, true)
        }
        return Timestamp.parse(text).map { ($0, false) }
    }

    private static func locale(_ environment: HelperEnvironment) -> Locale {
        Locale(identifier: environment.locale?.replacingOccurrences(of: "_", with: "-") ?? "en")
    }

    /// The zero of each numbering system whose digits are consecutive code points after it.
    private static let zeros: [String: UInt32] = [
        "arab": 0x0660, "arabext": 0x06F0, "beng": 0x09E6, "deva": 0x0966, "mymr": 0x1040, "thai": 0x0E50,
    ]

    private static func localDigits(_ text: String, _ locale: Locale) -> String {
        guard let zero = zeros[locale.numberingSystem.identifier] else { return text }
        var output = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if ("0"..."9").contains(scalar), let local = Unicode.Scalar(zero + scalar.value - 0x30) {
                output.append(local)
            } else {
                output.append(scalar)
            }
        }
        return String(output)
    }
}
