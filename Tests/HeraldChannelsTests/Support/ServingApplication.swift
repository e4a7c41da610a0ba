import Hummingbird
import Logging
import ServiceLifecycle

/// Runs a fake provider's `app` while `body` runs with its port, then shuts it down gracefully. Cancelling a NIO
/// server's task instead can trap the test process: a connection it accepted but had not yet handed to a handler is
/// dropped unfinished ("Deinited NIOAsyncWriter without calling finish()", swift-nio issue 3481); it did once in CI.
/// `ports` is the stream the app's `onServerRunning` yields its port to; it is finished when the server stops, so a
/// server that cannot start fails the test with its error instead of leaving it waiting for a port.
func serving<T: Sendable>(
    _ app: some ApplicationProtocol, ports: (AsyncStream<Int>, AsyncStream<Int>.Continuation), logger: Logger,
    _ body: (Int) async throws -> T
) async throws -> T {
    let services = ServiceGroup(
        configuration: .init(services: [app], gracefulShutdownSignals: [], cancellationSignals: [], logger: logger))
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            defer { ports.1.finish() }
            try await services.run()
        }
        var iterator = ports.0.makeAsyncIterator()
        guard let port = await iterator.next() else {
            try await group.waitForAll()
            throw CancellationError()
        }
        let result: Result<T, any Error>
        do {
            result = .success(try await body(port))
        } catch {
            result = .failure(error)
        }
        await services.triggerGracefulShutdown()
        // A request the fake still sits on (a client's timeout test) must not hold the test: 10 s, then cancel.
        group.addTask { try? await Task.sleep(for: .seconds(10)) }
        _ = try? await group.next()
        group.cancelAll()
        return try result.get()
    }
}
