import Foundation
import HeraldChannels
import HeraldCore
import Testing

/// The request body is written straight from the parsed templates; it must stay the JSON providers
/// received when it went through `JSONEncoder` (sorted keys, `/` unescaped, UTF-8 kept raw).
@Suite struct RequestPlanTests {
    let profile = try! ProfileCatalog.parse(
        yaml: """
            id: nested
            kind: sms
            base_url: https://sms.example.com
            options:
              sender: { default: Herald }
              flash: {}
            request:
              path: /send
              body:
                to: "{{to}}"
                text: "{{text}}"
                flash: "{{option.flash}}"
                count: 2
                ratio: 0.5
                ok: true
                none: null
                meta: { ref: "r-{{delivery_id}}", gone: "{{option.flash}}", url: "https://x.example/a" }
                list: ["{{option.sender}}", "{{option.flash}}", 7]
            response:
              classify: []
            """, file: "nested/profile.yaml")

    @Test func jsonBodyKeepsTheEncoderFormatAndLeavesOutUnsetFields() throws {
        let values = TemplateValues(
            fields: ["to": "+989121234567", "text": "سلام \"دنیا\"\n\\ tab\t", "delivery_id": "42"],
            options: ["sender": "Herald"])
        let request = try RequestPlan(sendOf: profile).prepare(baseURL: "https://sms.example.com", values: values)
        let body = String(decoding: try #require(request.body), as: UTF8.self)
        #expect(
            body == #"{"count":2,"list":["Herald",7],"meta":{"ref":"r-42","url":"https://x.example/a"},"none":null,"#
                + #""ok":true,"ratio":0.5,"text":"سلام \"دنیا\"\n\\ tab\t","to":"+989121234567"}"#)
    }

    @Test func planAndOneOffRenderingAgree() throws {
        let values = TemplateValues(fields: ["to": "+1", "text": "hi", "delivery_id": "1"], options: ["flash": "1"])
        let once = try profile.prepareSend(baseURL: "https://sms.example.com/", values: values)
        let plan = RequestPlan(sendOf: profile)
        #expect(try plan.prepare(baseURL: "https://sms.example.com/", values: values) == once)
        #expect(try plan.prepare(baseURL: "https://sms.example.com/", values: values) == once, "a plan is reusable")
        #expect(once.url == "https://sms.example.com/send")
    }

    @Test func headerValuesCannotCarryLineBreaks() throws {
        let headed = try ProfileCatalog.parse(
            yaml: """
                id: headed
                kind: sms
                base_url: https://sms.example.com
                request:
                  path: /send
                  headers: { X-Ref: "ref-{{text}}" }
                response:
                  classify: []
                """, file: "headed/profile.yaml")
        let values = TemplateValues(fields: ["to": "+1", "text": "a\r\nX-Injected: 1\nb\rc"])
        let request = try RequestPlan(sendOf: headed).prepare(baseURL: "https://sms.example.com", values: values)
        let ref = try #require(request.headers.first { $0.name == "X-Ref" })
        #expect(ref.value == "ref-aX-Injected: 1bc")
        #expect(!request.headers.contains { $0.name == "X-Injected" })
    }
}
