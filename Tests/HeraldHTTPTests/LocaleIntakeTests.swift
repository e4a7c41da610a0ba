import HTTPTypes
import HeraldCore
import HummingbirdTesting
import Testing

@Suite("Job intake: locale variants")
struct LocaleIntakeTests {
    @Test("a job with locale variants is accepted and stored with them")
    func accepted() async throws {
        try await HeraldHarness.run { app in
            let content = #"{"sms": {"text": "Hi", "locales": {"fa": {"text": "سلام"}, "pt-BR": {"text": "Olá"}}}}"#
            let id = try await app.createJob(jobJSON(content: content))
            let job = try #require(try await app.store.job(id: id))
            #expect(job.spec.content.sms?.locales?["fa"]?.text == "سلام")
            #expect(job.spec.content.sms?.locales?["pt-BR"]?.text == "Olá")
        }
    }

    @Test(
        "a failing variant is named in the 400's field",
        arguments: [
            (#"{"sms": {"text": "Hi", "locales": {"fa": {"text": "\#(String(repeating: "س", count: 671))"}}}}"#,
             "sms_too_long", "content.sms.locales.fa.text"),
            (#"{"sms": {"text": "Hi", "locales": {"ar": {"text": "{{#x}}"}}}}"#, "invalid_template", "content.sms.locales.ar.text"),
            (#"{"sms": {"text": "Hi", "locales": {"fa": {}}}}"#, "missing_field", "content.sms.locales.fa.text"),
            (#"{"sms": {"text": "Hi", "locales": {"pt-BR": {"text": 5}}}}"#, "invalid_type", "content.sms.locales.pt-BR.text"),
            (#"{"sms": {"text": "Hi", "locales": {"1a": {"text": "x"}}}}"#, "invalid_locale", "content.sms.locales.1a"),
        ])
    func failingVariant(content: String, code: String, field: String) async throws {
        try await HeraldHarness.run { app in
            let response = try await app.send(.post, "/v1/jobs", as: .enqueue, body: jobJSON(content: content))
            #expect(response.status == .badRequest)
            let error = try response.error()
            #expect(error.code == code)
            #expect(error.field == field)
        }
    }
}
