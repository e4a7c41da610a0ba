import HTTPTypes
import HeraldCore
import HummingbirdTesting
import Testing

@Suite("Job idempotency, progress and cancel")
struct JobLifecycleTests {
    @Test("same key and same body (other key order, other whitespace) returns the same job with 200")
    func idempotentRetry() async throws {
        try await HeraldHarness.run { app in
            let first = try await app.createJob(jobJSON(key: "otp-7"))
            let reordered = """
                {"content":{"sms":{"text":"Your code is 1234"}},"channels":["sms"],
                   "audience":{"contact_ids":["u1"]},"purpose":"transactional","idempotency_key":"otp-7"}
                """
            let retry = try await app.send(.post, "/v1/jobs", as: .enqueue, body: reordered)
            #expect(retry.status == .ok)
            #expect(try retry.json()["id"] as? Int == Int(first))
        }
    }

    @Test(
        "a retry that spells out a default (or leaves it out) is the same job; another value is a 409",
        arguments: [
            ("\"transactional\"", "", #", "priority": 5, "strategy": "first""#, #", "priority": 6"#),
            ("\"marketing\"", #", "priority": 0"#, "", #", "strategy": "all""#),
        ])
    func defaultsSpelledOut(purpose: String, first: String, retry: String, other: String) async throws {
        try await HeraldHarness.run { app in
            let id = try await app.createJob(jobJSON(key: "otp-9", purpose: purpose, extra: first))
            let retried = jobJSON(key: "otp-9", purpose: purpose, extra: retry)
            let same = try await app.send(.post, "/v1/jobs", as: .enqueue, body: retried)
            #expect(same.status == .ok)
            #expect(try same.json()["id"] as? Int == Int(id))
            let changed = jobJSON(key: "otp-9", purpose: purpose, extra: other)
            #expect(try await app.send(.post, "/v1/jobs", as: .enqueue, body: changed).status == .conflict)
        }
    }

    @Test("same key with another body is 409 idempotency_conflict, and the first job is unchanged")
    func idempotencyConflict() async throws {
        try await HeraldHarness.run { app in
            let first = try await app.createJob(jobJSON(key: "otp-8"))
            let other = jobJSON(key: "otp-8", content: #"{"sms": {"text": "Your code is 9999"}}"#)
            let response = try await app.send(.post, "/v1/jobs", as: .enqueue, body: other)
            #expect(response.status == .conflict)
            let error = try response.error()
            #expect(error.code == "idempotency_conflict")
            #expect(error.field == "idempotency_key")
            #expect(error.message?.contains("\(first)") == true)
            let job = try await app.store.job(id: first)
            #expect(job?.spec.content.sms?.text == "Your code is 1234")
        }
    }

    @Test("GET /v1/jobs/{id} reports the job and counts by state and suppression reason")
    func progressCounts() async throws {
        try await HeraldHarness.run { app in
            let id = try await app.createJob(
                jobJSON(purpose: "\"marketing\"", extra: #", "topic": "loyalty""#))
            let fresh = try await app.send(.get, "/v1/jobs/\(id)", as: .ops).json()
            #expect(fresh["status"] as? String == "accepted")
            #expect(fresh["deliveries"] as? Int == 0)
            #expect(fresh["topic"] as? String == "loyalty")
            #expect(fresh["idempotency_key"] as? String == "job-1")

            try await app.writeDeliveries(jobId: id, [
                ("u1", .sms, .queued, nil), ("u2", .sms, .queued, nil),
                ("u3", .sms, .suppressed, .noConsent), ("u4", .sms, .suppressed, .optedOut),
                ("u5", .sms, .suppressed, .noConsent),
            ])
            let json = try await app.send(.get, "/v1/jobs/\(id)", as: .enqueue).json()
            #expect(json["status"] as? String == "active")
            #expect(json["deliveries"] as? Int == 5)
            #expect(json["audience_processed"] as? Int == 5)
            #expect(json["by_state"] as? [String: Int] == ["queued": 2, "suppressed": 3])
            #expect(json["by_suppression_reason"] as? [String: Int] == ["no_consent": 2, "opted_out": 1])
        }
    }

    @Test("cancel suppresses what is not yet sent and reports the job cancelled")
    func cancel() async throws {
        try await HeraldHarness.run { app in
            let id = try await app.createJob(jobJSON())
            try await app.writeDeliveries(jobId: id, [("u1", .sms, .queued, nil), ("u2", .sms, .scheduled, nil)])
            let response = try await app.send(.post, "/v1/jobs/\(id)/cancel", as: .ops)
            #expect(response.status == .ok)
            let json = try response.json()
            #expect(json["status"] as? String == "cancelled")
            #expect(json["by_suppression_reason"] as? [String: Int] == ["cancelled": 2])
            let again = try await app.send(.get, "/v1/jobs/\(id)", as: .enqueue).json()
            #expect(again["status"] as? String == "cancelled")
        }
    }

    @Test("a completed job cannot be cancelled: 409 job_completed, and it stays completed")
    func cancellingACompletedJob() async throws {
        try await HeraldHarness.run { app in
            let id = try await app.createJob(jobJSON())
            try await app.writeDeliveries(jobId: id, [("u1", .sms, .sent, nil), ("u2", .sms, .suppressed, .noConsent)])
            #expect(try await app.send(.get, "/v1/jobs/\(id)", as: .ops).json()["status"] as? String == "completed")
            let response = try await app.send(.post, "/v1/jobs/\(id)/cancel", as: .ops)
            #expect(response.status == .conflict)
            #expect(try response.error().code == "job_completed")
            #expect(try await app.send(.get, "/v1/jobs/\(id)", as: .ops).json()["status"] as? String == "completed")
        }
    }

    @Test("an unknown or malformed job id is 404", arguments: ["/v1/jobs/999", "/v1/jobs/abc"])
    func unknownJob(path: String) async throws {
        try await HeraldHarness.run { app in
            let get = try await app.send(.get, path, as: .ops)
            #expect(get.status == .notFound)
            #expect(try get.error().code == "not_found")
            let cancel = try await app.send(.post, path + "/cancel", as: .ops)
            #expect(cancel.status == .notFound)
        }
    }
}
