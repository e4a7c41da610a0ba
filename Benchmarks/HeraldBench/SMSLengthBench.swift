import HeraldCore

/// Measuring an SMS text's length and segments, which the engine does for every SMS it sends (`SMSLength`): a
/// GSM-7 text as campaigns and OTPs usually are, and a Persian one (UCS-2). One core, no I/O.
enum SMSLengthBench {
    static let texts = [
        ("GSM-7, 80 characters", "Hi Anna, your code is 482913. It expires in 10 minutes. Reply STOP to opt out.."),
        ("GSM-7, 200 characters (2 parts)", String(repeating: "Summer sale: 20% off everything! ", count: 6) + "STOP to end"),
        ("UCS-2, Persian, 40 characters", "سلام علی، کد شما ۴۸۲۹۱۳ است. لغو: ارسال ۱۱"),
    ]

    static func run(calls: Int, rounds: Int) -> [Row] {
        texts.map { name, text in
            let (rates, units) = Measure.callRates(calls: calls, rounds: rounds) { _ in SMSLength(measuring: text).units }
            let length = SMSLength(measuring: text)
            return Row(
                scenario: "SMS length: \(name)", metric: "texts/s (one core)", median: Measure.median(rates), unit: "/s",
                note: "SMSLength(measuring:); \(length.encoding.rawValue), \(length.units) units, \(length.segments) part(s); "
                    + "\(calls) calls × \(rounds) rounds (\(units))")
        }
    }
}
