import Foundation
import Testing

/// Status webhooks end to end: the real `herald` binary, a real receiver verifying Standard Webhooks
/// signatures with an independent library, `kill -9` in the middle.
@Suite("Status webhooks through the real daemon", .serialized)
struct WebhookDaemonTests {
    @Test func everyDeliveryArrivesExactlyOnceAcrossAnOutageAndKill9() async throws {
        // Two POSTs get through, then the receiver is down until the test brings it back.
        let receiver = try WebhookReceiver(failAfter: 2)
        try await receiver.start()
        let daemon = try configuredDaemon(
            receiver,
            webhook: """
                events: [job.accepted, job.completed, delivery.sent]
                batch: 100
                backoff_initial_seconds: 0.2
                backoff_max_seconds: 1
                breaker_cooldown_seconds: 0.5
                """,
            // Slow enough that the outage and the kill land while the job is still sending.
            channelRate: 250)
        try await daemon.start()
        let key = try daemon.adminKey
        let ids = (1...1000).map { String(format: "c%04d", $0) }
        try await upsertContacts(ids, daemon: daemon, key: key)
        let job = try await createJob(ids, key: "wh-1000", daemon: daemon, adminKey: key)

        #expect(try await receiver.waitFor(seconds: 60) { $0.contains { $0.type == "delivery.sent" } })
        // The daemon has seen the outage (a failed POST recorded) before it is killed.
        var sawOutage = false
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, !sawOutage {
            let list = try await HTTP.get("\(daemon.base)/v1/webhooks", key: key)
            sawOutage = list.body.contains("\"last_error\":\"HTTP 500\"")
            if !sawOutage { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(sawOutage)
        let failing = try await HTTP.get("\(daemon.base)/v1/webhooks/crm/events?status=failed", key: key).body
        #expect(failing.contains("\"status\":\"failed\""))
        #expect(failing.contains("\"last_error\":\"HTTP 500\""))
        let before = Set(receiver.events().compactMap(\.deliveryId))
        #expect(before.count < 1000, "the kill comes before every event got through")
        daemon.kill9()
        try await daemon.start()
        try receiver.setFailing(false)

        let complete = try await receiver.waitFor(seconds: 180) { events in
            Set(events.filter { $0.type == "delivery.sent" }.compactMap(\.deliveryId)).count == 1000
                && events.contains { $0.type == "job.completed" }
        }
        #expect(complete)
        let events = receiver.events()
        let unique = Dictionary(events.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }).values
        let sent = unique.filter { $0.type == "delivery.sent" }
        #expect(sent.count == 1000, "after de-duplication by event id, one delivery.sent per delivery")
        #expect(Set(sent.compactMap(\.deliveryId)).count == 1000)
        #expect(unique.filter { $0.type == "job.accepted" && $0.jobId == job }.count == 1)
        #expect(unique.filter { $0.type == "job.completed" && $0.jobId == job }.count == 1)
        #expect(receiver.badSignatures == 0)
        #expect(daemon.terminate() == 0)
    }

    @Test func aParkedEventIsListedAndCanBeReplayed() async throws {
        let receiver = try WebhookReceiver()
        try await receiver.start()
        try receiver.setFailing(true)
        let daemon = try configuredDaemon(
            receiver,
            webhook: """
                events: [job.accepted]
                backoff_initial_seconds: 0.2
                backoff_max_seconds: 0.5
                breaker_cooldown_seconds: 0.2
                retry_horizon_hours: 0.0005
                """)
        try await daemon.start()
        let key = try daemon.adminKey
        try await upsertContacts(["p1"], daemon: daemon, key: key)
        // A job may only name a configured endpoint.
        let unknown = try await HTTP.post(
            "\(daemon.base)/v1/jobs", jobBody(["p1"], key: "wh-bad", callback: "nope"), key: key)
        #expect(unknown.status == 400)
        #expect(unknown.body.contains("unknown_webhook"))
        let job = try await createJob(["p1"], key: "wh-park", daemon: daemon, adminKey: key, callback: "crm")

        var parked = ""
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            parked = try await HTTP.get("\(daemon.base)/v1/webhooks/crm/events?status=parked", key: key).body
            if parked.contains("evt_") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(parked.contains("\"type\":\"job.accepted\""))
        let list = try await HTTP.get("\(daemon.base)/v1/webhooks", key: key).body
        #expect(list.contains("\"parked\":1"))
        #expect(list.contains("\"last_error\":\"HTTP 500\""))
        #expect(receiver.events().isEmpty)
        // The dashboard shows the endpoint's health; Prometheus counts the failed attempts.
        let dashboard = try await HTTP.get("\(daemon.base)/ui", key: key).body
        #expect(dashboard.contains("<table class=\"webhooks\">"))
        #expect(dashboard.contains("webhook unhealthy"))
        let metrics = try await HTTP.get("\(daemon.base)/metrics", key: key).body
        #expect(metrics.contains("herald_webhook_attempts_total{endpoint=\"crm\",outcome=\"failed\"}"))

        let eventId = try #require(parked.firstMatch(of: /"id":"(evt_[0-9]+)"/)?.output.1)
        try receiver.setFailing(false)
        let replay = try await HTTP.post(
            "\(daemon.base)/v1/webhooks/crm/replay", "{\"event_ids\":[\"\(eventId)\"]}", key: key)
        #expect(replay.status == 202)
        #expect(replay.body.contains("\"queued\":1"))
        #expect(try await receiver.waitFor(seconds: 30) { $0.contains { $0.id == eventId && $0.jobId == job } })
        let bad = try await HTTP.post("\(daemon.base)/v1/webhooks/crm/replay", "{\"event_ids\":[\"x\"]}", key: key)
        #expect(bad.status == 400)
        #expect(try await HTTP.get("\(daemon.base)/v1/webhooks/nope/events", key: key).status == 404)
        #expect(daemon.terminate() == 0)
    }

    private func configuredDaemon(_ receiver: WebhookReceiver, webhook: String, channelRate: Int? = nil) throws
        -> DaemonProcess
    {
        let daemon = try DaemonProcess()
        let indented = webhook.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
        let channels =
            channelRate.map {
                """
                channels:
                  - {id: mail, kind: email, driver: log, rate: \($0)}

                """
            } ?? ""
        let config = """
            \(channels)webhooks:
              - id: crm
                url: \(receiver.url)
                secret_env: HERALD_TEST_WEBHOOK_SECRET
            \(indented)

            """
        let path = daemon.directory.appendingPathComponent("herald.yaml")
        try config.write(to: path, atomically: true, encoding: .utf8)
        daemon.extraArguments = ["--config", path.path]
        daemon.extraEnvironment = ["HERALD_TEST_WEBHOOK_SECRET": receiver.secret]
        return daemon
    }

    private func upsertContacts(_ ids: [String], daemon: DaemonProcess, key: String) async throws {
        let body = "[" + ids.map { "{\"id\":\"\($0)\",\"timezone\":\"UTC\",\"email\":\"\($0)@example.com\"}" }
            .joined(separator: ",") + "]"
        let reply = try await HTTP.post("\(daemon.base)/v1/contacts/batch", body, key: key)
        #expect((200..<300).contains(reply.status), "\(reply.body)")
    }

    private func jobBody(_ ids: [String], key: String, callback: String? = nil) -> String {
        let audience = ids.map { "\"\($0)\"" }.joined(separator: ",")
        let callbackPart = callback.map { ",\"callback\":{\"webhook\":\"\($0)\"}" } ?? ""
        return """
            {"idempotency_key":"\(key)","purpose":"transactional","audience":{"contact_ids":[\(audience)]},\
            "channels":["email"],"content":{"email":{"subject":"s","text":"hello"}}\(callbackPart)}
            """
    }

    private func createJob(
        _ ids: [String], key: String, daemon: DaemonProcess, adminKey: String, callback: String? = nil
    ) async throws -> Int64 {
        let reply = try await HTTP.post("\(daemon.base)/v1/jobs", jobBody(ids, key: key, callback: callback), key: adminKey)
        #expect(reply.status == 202, "\(reply.body)")
        let id = try #require(reply.body.firstMatch(of: /"id":([0-9]+)/)?.output.1)
        return try #require(Int64(id))
    }
}
