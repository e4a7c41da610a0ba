import Foundation
import HeraldCore
import Synchronization

/// A pinned clock tests move by hand; the engine reads it through its `now` closure.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_700_000_000)) { current = Mutex(start) }

    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
    var closure: @Sendable () -> Date { { self.now } }
}

/// A channel instance whose answers the test scripts call by call; after the script runs out it sends.
final class ScriptedDriver: ChannelDriver {
    let id: String
    let kind: ChannelKind
    private let script: Mutex<[SendResult]>
    private let log = Mutex<[OutboundMessage]>([])
    private let accepts: @Sendable (String) -> Bool

    init(
        id: String, kind: ChannelKind, script: [SendResult] = [],
        accepts: @escaping @Sendable (String) -> Bool = { _ in true }
    ) {
        self.id = id
        self.kind = kind
        self.script = Mutex(script)
        self.accepts = accepts
    }

    var messages: [OutboundMessage] { log.withLock { $0 } }
    var sendCount: Int { messages.count }

    func handles(address: String) -> Bool { accepts(address) }

    func send(_ message: OutboundMessage) async -> SendResult {
        let number = log.withLock { log in
            log.append(message)
            return log.count
        }
        return script.withLock { $0.isEmpty ? nil : $0.removeFirst() } ?? .sent(id: "\(id)-\(number)")
    }

    func check() async -> ChannelCheck { ChannelCheck(instance: id, ok: true, detail: "scripted") }
}

/// A driver with its own connection pool, as the libcurl HTTP driver: it takes whole batches. Each
/// batch call is logged when it starts and when it ends, and sits `delay` before answering.
final class BatchingDriver: ChannelDriver {
    enum Event: Equatable {
        case started(Int)
        case finished(Int)
    }

    let id: String
    let kind: ChannelKind = .sms
    private let answer: SendResult
    private let delay: Duration
    private let log = Mutex<[Event]>([])

    init(id: String, answer: SendResult = .sent(id: "pooled"), delay: Duration = .zero) {
        self.id = id
        self.answer = answer
        self.delay = delay
    }

    var events: [Event] { log.withLock { $0 } }
    var capsOwnConcurrency: Bool { true }

    func send(_ message: OutboundMessage) async -> SendResult { answer }

    func send(batch: [OutboundMessage], concurrency: Int) async -> [SendResult] {
        log.withLock { $0.append(.started(batch.count)) }
        if delay > .zero { try? await Task.sleep(for: delay) }
        log.withLock { $0.append(.finished(batch.count)) }
        return batch.map { _ in answer }
    }

    func check() async -> ChannelCheck { ChannelCheck(instance: id, ok: true, detail: "batching") }
}
