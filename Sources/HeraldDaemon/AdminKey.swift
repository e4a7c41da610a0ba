import Foundation
import HeraldCore

/// On first start there are no keys: one admin key is created and written to a 0600 file in the data
/// directory, so the operator can read it once and create narrower keys with it.
public enum AdminKey {
    public static func ensure(store: any Store, dataDirectory: URL, now: Date) async throws -> URL? {
        guard try await store.apiKeyCount() == 0 else { return nil }
        let key = APIKey.generate()
        try await store.insertAPIKey(hash: APIKey.hash(key), role: .admin, label: "bootstrap", at: now)
        try PrivateFiles.prepareFolder(dataDirectory)
        let url = dataDirectory.appendingPathComponent("admin.key")
        try? FileManager.default.removeItem(at: url)  // a key file from a wiped database names a dead key
        try PrivateFiles.createFile(url, contents: Data((key + "\n").utf8))
        return url
    }
}
