import Foundation
import HeraldHTTP
import Testing
import Yams

/// The served document must be valid OpenAPI 3.1: openapi-spec-validator when it is installed (CI
/// installs it), and always the checks that caught the mistakes it reported.
@Suite("OpenAPI document validity")
struct OpenAPIValidityTests {
    static let validator = ["/usr/local/bin/openapi-spec-validator", "/usr/bin/openapi-spec-validator"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
        ?? ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":")
            .map { "\($0)/openapi-spec-validator" }.first { FileManager.default.isExecutableFile(atPath: $0) }

    private var document: [String: Any] {
        get throws { try #require(try Yams.load(yaml: OpenAPIDocument.text) as? [String: Any]) }
    }

    @Test("every tag an operation uses is declared")
    func tagsDeclared() throws {
        let document = try document
        let declared = Set((document["tags"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String })
        for (path, item) in document["paths"] as? [String: Any] ?? [:] {
            for (method, operation) in item as? [String: Any] ?? [:] {
                for tag in (operation as? [String: Any])?["tags"] as? [String] ?? [] {
                    #expect(declared.contains(tag), "\(method) \(path) uses undeclared tag \(tag)")
                }
            }
        }
    }

    @Test("responses hold only the fields OpenAPI allows (a comma in an unquoted description makes a stray key)")
    func responseFields() throws {
        let allowed: Set<String> = ["description", "headers", "content", "links", "$ref"]
        for (path, item) in try document["paths"] as? [String: Any] ?? [:] {
            for (method, operation) in item as? [String: Any] ?? [:] {
                for (status, response) in (operation as? [String: Any])?["responses"] as? [String: Any] ?? [:] {
                    let keys = Set((response as? [String: Any] ?? [:]).keys)
                    #expect(keys.isSubset(of: allowed), "\(method) \(path) \(status): \(keys.subtracting(allowed))")
                }
            }
        }
    }

    @Test("openapi-spec-validator accepts the document", .enabled(if: validator != nil, "pip install openapi-spec-validator"))
    func validatorAccepts() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("herald-openapi-\(UUID().uuidString).yaml")
        try OpenAPIDocument.text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.validator))
        process.arguments = [file.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text.suffix(2000))")
    }
}
