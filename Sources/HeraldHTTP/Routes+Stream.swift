import Foundation
import Hummingbird
import HeraldCore
import HeraldEngine
import NIOCore
import ServiceLifecycle

extension HeraldAPI {
    /// `GET /v1/deliveries/stream`: Server-Sent Events of delivery state changes, with the filters of
    /// `GET /v1/deliveries` (job_id, contact_id, channel, status). A subscriber that falls behind gets
    /// a `dropped` event saying how many it missed; the engine never waits for it. A client that accepts
    /// gzip gets the stream compressed (`LiveTailEncoding`).
    func addStreamRoutes(to router: Router<HeraldRequestContext>) {
        let frames = SSEFrameCache()
        router.get("/v1/deliveries/stream") { request, context in
            try context.require(.ops)
            guard let events = deps.ops.events else {
                throw HeraldError(code: "unavailable", message: "the live tail is not enabled", statusCode: 503)
            }
            let query = try DeliveryQueryParser.parse(request.uri.queryParameters)
            let filter = DeliveryEventFilter(
                jobId: query.jobId, contactId: query.contactId, channel: query.channel, state: query.state)
            // A fixed send buffer instead of the kernel's growing one (up to 4 MB): a client that stops reading
            // costs the daemon a few hundred KB of copies into its socket, not megabytes, before its writes wait
            // and its events count as dropped. Linux doubles the 256 KB asked for, up to net.core.wmem_max
            // (about 416 KB on a stock kernel); that still carries a campaign's gzip stream, about 1 MB/s, over
            // a 100 ms round trip.
            _ = try? await context.channel.setOption(.socketOption(.so_sndbuf), value: 256 * 1024).get()
            let subscription = events.subscribe(filter)
            let heartbeat = deps.ops.streamHeartbeat
            let plan = LiveTailEncoding(frames: frames, acceptEncoding: request.headers[.acceptEncoding])
            var headers: HTTPFields = [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache"]
            headers[.vary] = "Accept-Encoding"
            if let coding = plan.contentEncoding { headers[.contentEncoding] = coding }
            let body = ResponseBody { writer in
                var encoding = plan
                defer { subscription.cancel() }
                try await writer.write(try encoding.encode(": herald live tail\nretry: 2000\n\n"))
                try await withGracefulShutdownHandler {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask {
                            while !Task.isCancelled {
                                try await Task.sleep(for: .seconds(heartbeat))
                                subscription.heartbeat()
                            }
                        }
                        // Whatever piled up since the last write goes out in one write. The pause after each
                        // lets a busy stream gather many published batches into one write and one wake-up: up to
                        // 100 ms, or until half its buffer is full, so the wait itself does not make it drop events.
                        while let pieces = await subscription.nextPieces() {
                            try await writer.write(try encoding.encode(pieces))
                            await subscription.gather(for: .milliseconds(100))
                            // The wait ends early, not with an error, when the body's task is cancelled.
                            try Task.checkCancellation()
                        }
                        group.cancelAll()
                    }
                } onGracefulShutdown: {
                    subscription.cancel()
                }
                if let end = encoding.end() { try await writer.write(end) }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: headers, body: body)
        }
    }
}

/// Server-Sent Events framing of live-tail items.
public enum SSEFrame {
    public static func encode(_ item: DeliveryStreamItem) -> String {
        var frame: [UInt8] = []
        append(item, to: &frame)
        return String(decoding: frame, as: UTF8.self)
    }

    /// A published batch's frames appended into one buffer, the time its events share formatted once.
    public static func append(_ events: [DeliveryEvent], to out: inout [UInt8]) {
        var stamps = FastJSON.TimestampMemo()
        for event in events { append(event, stamps: &stamps, to: &out) }
    }

    /// The frame appended as bytes.
    public static func append(_ item: DeliveryStreamItem, to out: inout [UInt8]) {
        switch item {
        case .event(let event):
            var stamps = FastJSON.TimestampMemo()
            append(event, stamps: &stamps, to: &out)
        case .dropped(let count):
            out.append(
                contentsOf: ": dropped \(count) events: this client fell behind\nevent: dropped\ndata: {\"dropped\":\(count)}\n\n".utf8)
        case .heartbeat:
            out.append(contentsOf: ": keep-alive\n\n".utf8)
        }
    }

    private static func append(_ event: DeliveryEvent, stamps: inout FastJSON.TimestampMemo, to out: inout [UInt8]) {
        out.append(contentsOf: "id: ".utf8)
        FastJSON.appendInteger(event.seq, to: &out)
        out.append(contentsOf: "\nevent: delivery\ndata: ".utf8)
        event.appendJSON(to: &out, stamps: &stamps)
        out.append(contentsOf: "\n\n".utf8)
    }
}
