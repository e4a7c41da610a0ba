import Foundation
import Testing

@testable import HeraldCore

@Suite struct PhoneNumberTests {
    @Test(arguments: [
        "+989121234567", "+14155552671", "+447911123456", "+9779841234567", "+74951234567", "+4930123456",
        "+971501234567", "+12025550123", "+88212345678",
    ])
    func acceptsValidNumbers(_ number: String) {
        #expect(PhoneNumber.isValidE164(number))
    }

    @Test(arguments: [
        "", "+", "989121234567", "+0989121234567", "+1234567", "+1234567890123456", "+98912abc4567",
        "+98 912 123 4567", "+۹۸۹۱۲۱۲۳۴۵۶۷", "++989121234567", "+2591234567", "+8091234567", "+2812345678",
        "+989121234567 ", " +989121234567",
    ])
    func rejectsInvalidNumbers(_ number: String) {
        #expect(!PhoneNumber.isValidE164(number))
        #expect(PhoneNumber.countryCallingCode(ofE164: number) == nil)
    }

    /// A digit short or long for a plan where every number has the same length: `+1415555267` (nine digits after
    /// +1) was accepted and sent.
    @Test(arguments: [
        "+1415555267", "+141555526712", "+7495123456", "+98912123456", "+9891212345678", "+3361234567",
        "+96650123456", "+9715012345678", "+4479111234567", "+905321234", "+91981234567",
    ])
    func numbersOfTheWrongLengthForTheirCountryAreRefused(_ number: String) {
        #expect(!PhoneNumber.isValidE164(number))
        #expect(PhoneNumber.countryCallingCode(ofE164: number) != nil)
    }

    @Test func findsCallingCodesOfEveryLength() {
        #expect(PhoneNumber.countryCallingCode(ofE164: "+14155552671") == "1")
        #expect(PhoneNumber.countryCallingCode(ofE164: "+74951234567") == "7")
        #expect(PhoneNumber.countryCallingCode(ofE164: "+989121234567") == "98")
        #expect(PhoneNumber.countryCallingCode(ofE164: "+447911123456") == "44")
        #expect(PhoneNumber.countryCallingCode(ofE164: "+9779841234567") == "977")
        #expect(PhoneNumber.countryCallingCode(ofE164: "+380501234567") == "380")
    }

    @Test(arguments: [
        ("+989121234567", "Asia/Tehran"), ("+9779841234567", "Asia/Kathmandu"), ("+447911123456", "Europe/London"),
        ("+4915112345678", "Europe/Berlin"), ("+33612345678", "Europe/Paris"), ("+971501234567", "Asia/Dubai"),
        ("+966501234567", "Asia/Riyadh"), ("+201001234567", "Africa/Cairo"), ("+905321234567", "Europe/Istanbul"),
        ("+919812345678", "Asia/Kolkata"), ("+819012345678", "Asia/Tokyo"), ("+821012345678", "Asia/Seoul"),
        ("+8613812345678", "Asia/Shanghai"), ("+380501234567", "Europe/Kyiv"), ("+375291234567", "Europe/Minsk"),
        ("+992901234567", "Asia/Dushanbe"), ("+99365123456", "Asia/Ashgabat"),
    ])
    func infersTheZoneOfSingleZoneCountries(_ number: String, _ zone: String) {
        #expect(PhoneNumber.inferredTimeZone(forE164: number) == zone)
    }

    @Test(arguments: [
        "+14155552671", "+74951234567", "+77011234567", "+61412345678", "+5511912345678", "+525512345678",
        "+6281234567890", "+34612345678", "+56912345678", "+64211234567", "+88212345678", "+989",
    ])
    func infersNoZoneForMultiZoneCountriesOrInvalidNumbers(_ number: String) {
        #expect(PhoneNumber.inferredTimeZone(forE164: number) == nil)
    }

    @Test func everyInferredZoneIsAKnownIANAZone() {
        for (code, zone) in PhoneNumber.singleZoneByCallingCode {
            #expect(TimeZone(identifier: zone) != nil, "+\(code) → \(zone)")
            #expect(PhoneNumber.countryCallingCodes.contains(code), "+\(code) is not a calling code")
        }
    }

    @Test func callingCodesArePrefixFree() {
        let codes = PhoneNumber.countryCallingCodes
        for code in codes {
            for length in 1..<code.count {
                #expect(!codes.contains(String(code.prefix(length))), "\(code) extends another code")
            }
        }
    }
}
