import InMemoryLogging
import Logging
import ServiceLifecycle
import Testing

@testable import HeraldDaemon

/// The service group logs every service at debug level; by default by its description, which for a struct is
/// every stored field (a hostile test read the unsubscribe key and a webhook token out of the log this way).
@Suite struct ServiceNamingTests {
    struct Holder: Service {
        let unsubscribeSecret = "s3cr3t-unsubscribe-key"
        let webhook = "https://hooks.example.com/in?token=t0ken-123"
        func run() async throws {}
    }

    @Test func servicesAreLoggedByTypeNotByTheirFields() async throws {
        let handler = InMemoryLogHandler()
        var logger = Logger(label: "herald", factory: { _ in handler })
        logger.logLevel = .debug
        let group = ServiceGroup(
            configuration: .init(
                services: ServiceNaming.byType([.init(service: Holder(), successTerminationBehavior: .gracefullyShutdownGroup)]),
                logger: logger))
        try await group.run()
        let logged = handler.entries.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
        #expect(logged.contains("Holder"))
        #expect(!logged.contains("s3cr3t") && !logged.contains("t0ken"))
    }
}
