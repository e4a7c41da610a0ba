import Crypto
import Foundation

/// How an event's personal fields (its contact id and evidence) enter the hash chain.
///
/// Version 2 events hash keyed digests of those fields instead of the fields themselves; the key (a random
/// salt per event) is stored beside the data. Erasing a contact deletes the salt and the data and keeps the
/// digests, so the chain still verifies while nothing left can be matched against a guessed address or IP.
/// Events written before version 2 (`seal == nil`) hash their fields in clear; erasing one *seals* it
/// (version 0): its stored hash is kept as is, and the erasure event that follows names it.
public struct ConsentSeal: Codable, Sendable, Hashable {
    public static let digestVersion = 2
    public static let sealedLegacyVersion = 0

    public var version: Int
    /// Nil once the event's contact was erased.
    public var salt: String?
    public var subjectDigest: String?
    public var evidenceDigest: String?

    public init(version: Int, salt: String?, subjectDigest: String?, evidenceDigest: String?) {
        self.version = version
        self.salt = salt
        self.subjectDigest = subjectDigest
        self.evidenceDigest = evidenceDigest
    }

    /// A fresh version 2 seal over these fields.
    public static func make(contactId: String, evidence: JSONValue?) -> ConsentSeal {
        let salt = Hex.string(SymmetricKey(size: .bits256))
        return ConsentSeal(
            version: digestVersion, salt: salt, subjectDigest: subjectDigest(contactId, salt: salt),
            evidenceDigest: evidenceDigest(evidence, salt: salt))
    }

    public var isErased: Bool { version == Self.sealedLegacyVersion || salt == nil }

    static func subjectDigest(_ contactId: String, salt: String) -> String {
        keyed(Data("subject\u{0}\(contactId)".utf8), salt: salt)
    }

    /// Over the evidence's canonical JSON (sorted keys, numbers as sent), written by FastJSON.
    static func evidenceDigest(_ evidence: JSONValue?, salt: String) -> String? {
        guard let evidence else { return nil }
        var json = "evidence\u{0}"
        FastJSON.append(evidence, to: &json)
        return keyed(Data(json.utf8), salt: salt)
    }

    /// Whether the clear fields still match the digests (always true once erased: nothing left to match).
    func matches(contactId: String, evidence: JSONValue?) -> Bool {
        guard let salt else { return true }
        return Self.subjectDigest(contactId, salt: salt) == subjectDigest
            && Self.evidenceDigest(evidence, salt: salt) == evidenceDigest
    }

    private static func keyed(_ data: Data, salt: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: data, using: SymmetricKey(data: Data(salt.utf8)))
        return Hex.string(mac)
    }
}
