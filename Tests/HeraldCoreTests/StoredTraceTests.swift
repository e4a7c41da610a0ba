import Foundation
import HeraldCore
import Testing

/// The outcome's row update stores why the message was sent (the claim's decision) and then what happened to it.
@Suite struct StoredTraceTests {
    private let at = Date(timeIntervalSince1970: 1_767_225_600)

    private func outcome(_ next: DeliveryOutcome.Next, trace: [TraceStep], decision: [TraceStep]?) -> DeliveryOutcome {
        DeliveryOutcome(
            deliveryId: 1, owner: "w", attempts: [], next: next, trace: trace, decisionTrace: decision.map(TraceStep.encode))
    }

    @Test func theDecisionThenWhatHappened() throws {
        let decision = [
            TraceStep(rule: "consent", outcome: "pass", detail: "granted", at: at),
            TraceStep(rule: "window", outcome: "pass", detail: "inside", at: at),
        ]
        let retry = [TraceStep(rule: "send", outcome: "retry", detail: "421; retry in 2s", at: at)]
        let sent = outcome(.sent, trace: [], decision: decision)
        #expect(try TraceStep.decodeStored(try #require(sent.storedTrace)) == decision)
        let retried = outcome(.retry(at: at), trace: retry, decision: decision)
        #expect(try TraceStep.decodeStored(try #require(retried.storedTrace)) == decision + retry)
        #expect(try TraceStep.decodeStored(try #require(outcome(.failed, trace: retry, decision: nil).storedTrace)) == retry)
        #expect(try TraceStep.decodeStored(try #require(outcome(.failed, trace: retry, decision: []).storedTrace)) == retry)
        #expect(outcome(.sent, trace: [], decision: nil).storedTrace == nil, "keeps what the row holds")
    }

    /// After an erasure only a late stop's own step is stored: the decision named the address.
    @Test func anErasedRowGetsOnlyALateStopsStep() throws {
        let stop = [TraceStep(rule: "late_stop", outcome: "suppressed", detail: "contact erased", at: at)]
        let decision = [TraceStep(rule: "address", outcome: "pass", detail: "a***@x.io", at: at)]
        #expect(
            try TraceStep.decodeStored(
                try #require(outcome(.suppressed(.cancelled), trace: stop, decision: decision).storedTraceAfterErasure))
                == stop)
        #expect(outcome(.sent, trace: [], decision: decision).storedTraceAfterErasure == nil)
        #expect(outcome(.retry(at: at), trace: stop, decision: decision).storedTraceAfterErasure == nil)
    }
}
