import Foundation
import HeraldChannels
import HeraldCore
import Testing

@Suite struct ProfileTemplateTests {
    static let persian = "سلام مریم! کد شما: ۴۲۱۷ & \"خوش آمدید\" = ۱۰۰٪"

    func profile(encoding: String) throws -> Profile {
        try ProfileCatalog.parse(
            yaml: """
                id: acme
                kind: sms
                base_url: https://sms.example.com/api/
                secrets: [key]
                options:
                  sender: { default: Herald }
                  flash: {}
                request:
                  method: POST
                  path: /v1/{{secret.key}}/send
                  encoding: \(encoding)
                  body:
                    to: "{{to}}"
                    text: "{{text}}"
                    sender: "{{option.sender}}"
                    flash: "{{option.flash}}"
                    ref: "id-{{delivery_id}}"
                response:
                  classify: []
                """, file: "acme/profile.yaml")
    }

    let values = TemplateValues(
        fields: ["to": "+989121234567", "text": ProfileTemplateTests.persian, "delivery_id": "42"],
        options: ["sender": "Herald"], secrets: ["key": "k/1 2"])

    @Test func persianTextArrivesIntactInJSON() throws {
        let request = try profile(encoding: "json").prepareSend(baseURL: "https://sms.example.com/api/", values: values)
        let body = try #require(request.body)
        let json = try #require(ProfileJSONPath.parse(body))
        #expect(json["text"] == .string(Self.persian))
        #expect(json["ref"] == "id-42")
        #expect(json["flash"] == nil, "an unset optional option leaves the field out")
        #expect(request.headers.contains(.init(name: "Content-Type", value: "application/json")))
    }

    @Test func persianTextArrivesIntactInForm() throws {
        let request = try profile(encoding: "form").prepareSend(baseURL: "https://sms.example.com/api/", values: values)
        let text = String(decoding: try #require(request.body), as: UTF8.self)
        #expect(text.allSatisfy { $0.isASCII }, "form bodies are percent-encoded")
        #expect(!text.contains("+989"), "a + in a value is encoded, not read back as a space")
        let form = PercentEncoding.formDecode(text)
        #expect(form["text"] == Self.persian)
        #expect(form["to"] == "+989121234567")
        #expect(form["flash"] == nil)
    }

    @Test func queryEncodingPutsFieldsInTheURLAndEscapesThePath() throws {
        let request = try profile(encoding: "query").prepareSend(
            baseURL: "https://sms.example.com/api/", values: values)
        #expect(request.body == nil)
        let url = try #require(URLComponents(string: request.url))
        #expect(url.path == "/api/v1/k/1 2/send", "decoded path keeps the secret as one segment")
        #expect(request.url.hasPrefix("https://sms.example.com/api/v1/k%2F1%202/send?"))
        let items = Dictionary(uniqueKeysWithValues: (url.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(items["text"] == Self.persian)
    }

    @Test func placeholdersAreFoundAndMissingValuesReported() {
        #expect(ProfileTemplate.placeholders(in: "/bot{{secret.t}}/x?{{ to }}") == ["secret.t", "to"])
        #expect(ProfileTemplate.render("a{{to}}b", values: values) == "a+989121234567b")
        #expect(ProfileTemplate.render("{{option.flash}}", values: values) == nil)
        #expect(ProfileTemplate.render("no placeholders {", values: values) == "no placeholders {")
    }

    @Test func jsonPathsReadNestedArraysAndNumbers() throws {
        let json = try #require(
            ProfileJSONPath.parse(Array(#"{"entries":[{"messageid":8792343}],"a":{"b":"x"}}"#.utf8)))
        #expect(ProfileJSONPath.lookup("entries[0].messageid", in: json).flatMap(ProfileJSONPath.text) == "8792343")
        #expect(ProfileJSONPath.lookup("entries.0.messageid", in: json).flatMap(ProfileJSONPath.text) == "8792343")
        #expect(ProfileJSONPath.lookup("a.b", in: json) == "x")
        #expect(ProfileJSONPath.lookup("entries.1.messageid", in: json) == nil)
    }
}
