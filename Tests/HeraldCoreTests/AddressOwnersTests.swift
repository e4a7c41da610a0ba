import HeraldCore
import Testing

@Suite("The addresses of a batch of contacts, for the suppression lookup")
struct AddressOwnersTests {
    static let everyKind = Contact(
        id: "all", email: "Ana@Example.com", phone: "+15550000001",
        pushTokens: [PushToken(platform: .fcm, token: "t1"), PushToken(platform: .apns, token: "t2")],
        telegramChatId: "42", whatsapp: "+15550000002")

    @Test("every address of every kind is counted and looked up, a shared one for each contact that has it")
    func everyAddressAndOwner() {
        var handed: [String] = []
        Self.everyKind.forEachAddress { handed.append($0) }
        #expect(handed.count == 6)
        #expect(Self.everyKind.addressCount == handed.count)
        #expect(Contact(id: "none").addressCount == 0)

        let family = Contact(id: "family", phone: "+15550000001")
        let owners = AddressOwners([Self.everyKind, family])
        #expect(Set(handed).isSubset(of: Set(owners.spellings)))
        var found: [String] = []
        owners.forEachAddress(spelledAs: "+15550000001") { owner, _ in found.append(owner) }
        #expect(found.sorted() == ["all", "family"])
        var push: [String] = []
        owners.forEachAddress(spelledAs: "fcm:t1") { owner, address in push.append("\(owner) \(address)") }
        #expect(push == ["all fcm:t1"])
    }
}
