import Foundation
import Testing

@testable import HeraldCore

@Suite("Preference-page links: signed, expiring, rotatable")
struct PreferenceTokenTests {
    let key = Array("current-preference-key-0123456789".utf8)
    let oldKey = Array("previous-preference-key-987654321".utf8)
    let now = Date(timeIntervalSince1970: 1_790_000_000)
    var token: PreferenceToken { PreferenceToken(contactId: "کاربر-42", tokenId: "tok-1", expiresAt: now + 3600) }

    @Test("a link signed with the key verifies and carries contact, token id and expiry")
    func roundTrips() {
        let signed = token.signed(key: key)
        #expect(PreferenceToken.verify(signed, keys: [key], now: now) == .valid(token))
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
        #expect(signed.allSatisfy(allowed.contains), "base64url, safe in a path")
    }

    @Test("any changed character, a foreign key or a spliced payload makes the link invalid")
    func tampering() {
        let signed = Array(token.signed(key: key))
        for index in signed.indices where signed[index] != "." {
            var tampered = signed
            tampered[index] = signed[index] == "A" ? "B" : "A"
            #expect(PreferenceToken.verify(String(tampered), keys: [key], now: now) == .invalid, "flipped at \(index)")
        }
        #expect(PreferenceToken.verify(token.signed(key: Array("someone-else".utf8)), keys: [key], now: now) == .invalid)
        let other = PreferenceToken(contactId: "victim", tokenId: "t", expiresAt: now + 3600).signed(key: key)
        let spliced = other.split(separator: ".")[0] + "." + String(signed).split(separator: ".")[1]
        #expect(PreferenceToken.verify(String(spliced), keys: [key], now: now) == .invalid)
        for junk in ["", ".", "abc", "abc.def", "a.b.c", String(repeating: "A", count: 5000)] {
            #expect(PreferenceToken.verify(junk, keys: [key], now: now) == .invalid, "\(junk.prefix(10))")
        }
        #expect(PreferenceToken.verify(String(signed), keys: [[]], now: now) == .invalid, "an empty key checks nothing")
    }

    @Test("a link works until its expiry and is reported expired from that second on")
    func expiry() {
        let signed = token.signed(key: key)
        #expect(PreferenceToken.verify(signed, keys: [key], now: now + 3599) == .valid(token))
        #expect(PreferenceToken.verify(signed, keys: [key], now: now + 3600) == .expired(token))
        #expect(PreferenceToken.verify(signed, keys: [key], now: now + 86_400 * 365) == .expired(token))
    }

    @Test("after a rotation, links signed with the previous key still work; new links use the current key")
    func rotation() {
        let before = PreferenceKeys(current: oldKey, linkLifetime: 3600)
        let link = before.link(baseURL: "https://h.example", contactId: "u1", now: now, tokenId: "t1")
        let raw = String(link.dropFirst("https://h.example/p/".count))
        let rotated = PreferenceKeys(current: key, previous: oldKey, linkLifetime: 3600)
        let expected = PreferenceToken(contactId: "u1", tokenId: "t1", expiresAt: now + 3600, issuedAt: now)
        #expect(rotated.verify(raw, now: now) == .valid(expected))
        let dropped = PreferenceKeys(current: key, linkLifetime: 3600)
        #expect(dropped.verify(raw, now: now) == .invalid, "once the previous key is gone, its links stop working")
        let fresh = rotated.link(baseURL: "https://h.example", contactId: "u1", now: now)
        #expect(dropped.verify(String(fresh.dropFirst("https://h.example/p/".count)), now: now) != .invalid)
    }

    @Test("a link carries when it was signed; links from before that (version 1) still verify, as issued in 1970")
    func issueTime() {
        let keys = PreferenceKeys(current: key, linkLifetime: 3600)
        let raw = String(keys.link(baseURL: "", contactId: "u1", now: now + 0.25, tokenId: "t1").dropFirst("/p/".count))
        guard case .valid(let token) = keys.verify(raw, now: now) else {
            Issue.record("a fresh link should verify")
            return
        }
        #expect(token.issuedAt == now + 0.25)
        #expect(!token.predates(contactCreatedAt: now + 0.25), "a contact created in the same millisecond owns the link")
        #expect(!token.predates(contactCreatedAt: now + 0.25 + 300), "the storing node's clock may run ahead")
        #expect(token.predates(contactCreatedAt: now + 0.25 + 300.5))
        #expect(!token.predates(contactCreatedAt: Date(timeIntervalSince1970: 0)))

        let legacy = PreferenceToken(contactId: "u1", tokenId: "t1", expiresAt: now + 3600)
        #expect(PreferenceToken.verify(legacy.signed(key: key), keys: [key], now: now) == .valid(legacy))
        #expect(!legacy.predates(contactCreatedAt: Date(timeIntervalSince1970: 0)), "rows stored before creation times")
        #expect(legacy.predates(contactCreatedAt: now), "a contact created since the upgrade is not the link's")
    }

    @Test("every link gets its own token id")
    func tokenIds() {
        let keys = PreferenceKeys(current: key)
        let ids = (0..<50).map { _ in keys.link(baseURL: "", contactId: "u1", now: now) }
        #expect(Set(ids).count == 50)
    }
}

@Suite("Declared topics")
struct TopicCatalogTests {
    let newsletter = Topic(id: "newsletter", name: ["en": "Newsletter", "fa": "خبرنامه"], channels: [.email])

    @Test("with topics declared, a job's topic must be one of them; without, any topic passes")
    func jobTopics() throws {
        let catalog = try TopicCatalog([newsletter])
        try catalog.validateJobTopic("newsletter")
        try catalog.validateJobTopic(nil)
        #expect(throws: HeraldError.self) { try catalog.validateJobTopic("promo") }
        do {
            try catalog.validateJobTopic("promo")
        } catch {
            #expect(error.code == "unknown_topic" && error.field == "topic" && error.statusCode == 400)
        }
        try TopicCatalog.none.validateJobTopic("anything")
    }

    @Test("duplicate ids, `*`, missing names and empty channel lists stop the start")
    func invalidCatalogs() {
        var noName = newsletter
        noName.name = [:]
        var star = newsletter
        star.id = "*"
        var noChannels = newsletter
        noChannels.channels = []
        for bad in [[newsletter, newsletter], [noName], [star], [noChannels]] {
            #expect(throws: HeraldError.self) { try TopicCatalog(bad) }
        }
    }

    @Test("names fall back from the language to English, then to the id")
    func names() {
        #expect(newsletter.name(in: "fa") == "خبرنامه")
        #expect(newsletter.name(in: "ru") == "Newsletter")
        #expect(Topic(id: "x", name: [:]).name(in: "en") == "x")
        #expect(Topic(id: "x", name: ["en": "X"]).kinds == ChannelKind.allCases)
    }
}
