import AsyncHTTPClient
import Foundation
import HeraldCore
import HeraldStoreSQLite
import HeraldEngine
import HeraldHTTP
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Testing

@Suite("Live tail over Server-Sent Events")
struct LiveTailTests {
    /// Frames a reading task has parsed so far.
    actor Received {
        var frames: [SSEParser.Frame] = []
        func add(_ new: [SSEParser.Frame]) { frames += new }
        var deliveries: [DeliveryEvent] {
            frames.filter { $0.event == "delivery" }.compactMap {
                try? HeraldJSON.decoder().decode(DeliveryEvent.self, from: Data($0.data.utf8))
            }
        }
    }

    static func event(job: Int64, delivery: Int64, state: DeliveryState) -> DeliveryEvent {
        DeliveryEvent(at: Date(), deliveryId: delivery, jobId: job, contactId: "c-\(delivery)", channel: .sms, state: state)
    }

    /// Opens the stream and reads it in a task until cancelled.
    static func open(port: Int, query: String, key: String, into received: Received) async throws -> Task<Void, any Error> {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/v1/deliveries/stream?\(query)")
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        #expect(response.status == .ok)
        #expect(response.headers.first(name: "content-type")?.hasPrefix("text/event-stream") == true)
        return Task {
            var parser = SSEParser()
            for try await chunk in response.body { await received.add(parser.feed(String(buffer: chunk))) }
        }
    }

    /// Polls (no timing assertion: the deadline only stops a broken test from hanging).
    static func eventually(_ condition: () async -> Bool) async throws -> Bool {
        for _ in 0..<400 {
            if await condition() { return true }
            try await Task.sleep(for: .milliseconds(25))
        }
        return await condition()
    }

    @Test("events arrive in order with the job filter applied; a client that leaves is dropped and others carry on")
    func orderAndDisconnect() async throws {
        let fixture = try await OpsFixture()
        defer { Task { await fixture.close() } }
        let app = try await OpsApp(fixture: fixture, heartbeat: 0.2)
        let events = fixture.events
        try await app.application().test(.live) { client in
            let port = try #require(client.port)
            let first = Received()
            let reader = try await Self.open(port: port, query: "job_id=7", key: app.keys[.ops]!, into: first)
            #expect(events.subscriberCount == 1)
            let states: [DeliveryState] = [.queued, .sending, .sent, .delivered]
            for (index, state) in states.enumerated() {
                events.publish([Self.event(job: 7, delivery: 1, state: state), Self.event(job: 9, delivery: Int64(index + 10), state: state)])
            }
            #expect(try await Self.eventually { await first.deliveries.count == 4 })
            let seen = await first.deliveries
            #expect(seen.map(\.state) == states)
            #expect(seen.allSatisfy { $0.jobId == 7 })
            #expect(seen.map(\.seq) == seen.map(\.seq).sorted())

            // The client goes away: the server notices (at the latest on the next heartbeat) and unsubscribes.
            reader.cancel()
            #expect(try await Self.eventually { events.subscriberCount == 0 })

            // The daemon keeps serving: a new client gets new events.
            let second = Received()
            let again = try await Self.open(port: port, query: "status=failed", key: app.keys[.ops]!, into: second)
            events.publish([Self.event(job: 7, delivery: 2, state: .sent), Self.event(job: 7, delivery: 3, state: .failed)])
            #expect(try await Self.eventually { await second.deliveries.count == 1 })
            #expect(await second.deliveries.first?.deliveryId == 3)
            again.cancel()
        }
    }

    @Test("the stream needs an ops key")
    func needsOps() async throws {
        let fixture = try await OpsFixture()
        defer { Task { await fixture.close() } }
        let app = try await OpsApp(fixture: fixture)
        try await app.application().test(.router) { client in
            try await client.execute(uri: "/v1/deliveries/stream", method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/v1/deliveries/stream", method: .get, headers: app.bearer(.enqueue)) {
                #expect($0.status == .forbidden)
            }
        }
    }

    /// A batch formats the time its events share once; a batch whose events do not share it (a retry's outcome
    /// beside fresh ones) must still carry each event's own.
    @Test("a batch's frames are each event's own frame, whether or not the events share their time")
    func batchFramesMatchSingleFrames() {
        var events = (1...4).map { Self.event(job: 3, delivery: Int64($0), state: .sent) }
        events[1].at = events[0].at.addingTimeInterval(0.001)
        events[2].at = events[0].at.addingTimeInterval(-86_400)
        events[3].seq = 12_345_678_901
        var batch: [UInt8] = []
        SSEFrame.append(events, to: &batch)
        let single = events.map { SSEFrame.encode(.event($0)) }.joined()
        #expect(String(decoding: batch, as: UTF8.self) == single)
        #expect(single.contains("id: 12345678901\n") && single.contains(#""seq":12345678901"#))
        #expect(Set(events.map { FastJSON.timestamp($0.at) }).count >= 3)
        #expect(events.allSatisfy { single.contains(FastJSON.timestamp($0.at)) })
    }

    @Test("the CLI's parser and formatter turn frames into readable lines, and report drops")
    func cliFormatting() throws {
        var parser = SSEParser()
        let event = Self.event(job: 5, delivery: 40, state: .failed)
        let text = SSEFrame.encode(.event(event)) + SSEFrame.encode(.heartbeat) + SSEFrame.encode(.dropped(3))
        // Split mid-frame, as TCP may.
        let cut = text.index(text.startIndex, offsetBy: 17)
        let frames = parser.feed(String(text[..<cut])) + parser.feed(String(text[cut...]))
        let lines = frames.compactMap(LiveTailFormat.render)
        #expect(lines.count == 2)
        #expect(lines[0].contains("delivery 40") && lines[0].contains("job 5") && lines[0].contains("FAILED"))
        #expect(lines[1].contains("\"dropped\":3"))
    }
}
