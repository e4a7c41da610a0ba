import ArgumentParser
import Foundation
import HeraldCore
import HeraldDaemon

struct Channels: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Channel instances.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate profiles and channel config, and try to reach each provider.")

        @OptionGroup var options: ConfigOption

        func run() async throws {
            let loaded = try options.load()
            let checks = try await ChannelFactory.check(loaded)
            var failed = false
            for check in checks {
                print("\(check.ok ? "ok  " : "FAIL") \(check.instance): \(check.detail)")
                failed = failed || !check.ok
            }
            if failed { throw ExitCode(1) }
        }
    }
}
