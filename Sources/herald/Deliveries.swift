import ArgumentParser
import AsyncHTTPClient
import Foundation
import HeraldCore
import HeraldDaemon
import HeraldHTTP
import NIOCore
import NIOHTTP1

struct Deliveries: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Watch deliveries.", subcommands: [Tail.self])

    struct Tail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print delivery state changes live, from a running daemon (GET /v1/deliveries/stream).")

        @OptionGroup var options: ConfigOption
        @Option(help: "Only this job.") var job: Int64?
        @Option(help: "Only this channel kind (email, sms, push, messenger).") var channel: String?
        @Option(help: "Only this state (queued, scheduled, sending, sent, delivered, failed, suppressed).")
        var status: String?
        @Option(help: "Only this contact.") var contact: String?
        @Option(help: "Daemon base URL (default: the config's listen address).") var url: String?
        @Option(help: "API key with the ops role (default: $HERALD_API_KEY, else the data directory's admin.key).")
        var key: String?

        func run() async throws {
            let loaded = try options.load()
            let base = url ?? "http://\(loaded.host == "0.0.0.0" ? "127.0.0.1" : loaded.host):\(loaded.port)"
            let apiKey = try resolveKey(dataDirectory: loaded.dataDirectory)
            var query: [String] = []
            if let job { query.append("job_id=\(job)") }
            if let channel { query.append("channel=\(channel)") }
            if let status { query.append("status=\(status)") }
            if let contact { query.append("contact_id=\(contact.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? contact)") }
            var request = HTTPClientRequest(url: "\(base)/v1/deliveries/stream" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")))
            request.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
            request.headers.add(name: "Accept", value: "text/event-stream")
            let response = try await HTTPClient.shared.execute(request, deadline: NIODeadline.distantFuture)
            guard response.status == HTTPResponseStatus.ok else {
                let body = try await response.body.collect(upTo: 64 * 1024)
                throw ValidationError("the daemon answered \(response.status.code): \(String(buffer: body))")
            }
            emit("tailing \(base)/v1/deliveries/stream (Ctrl-C to stop)")
            var parser = SSEParser()
            for try await chunk in response.body {
                for frame in parser.feed(String(buffer: chunk)) {
                    if let text = LiveTailFormat.render(frame) { emit(text) }
                }
            }
            emit("the daemon closed the stream")
        }

        /// Unbuffered, so `tail | grep` or a redirect sees each event as it happens.
        private func emit(_ line: String) {
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }

        private func resolveKey(dataDirectory: URL) throws -> String {
            if let key { return key }
            if let key = ProcessInfo.processInfo.environment["HERALD_API_KEY"], !key.isEmpty { return key }
            let file = dataDirectory.appendingPathComponent("admin.key")
            guard let text = try? String(contentsOf: file, encoding: .utf8) else {
                throw ValidationError("no API key: pass --key, set HERALD_API_KEY, or run beside the daemon's data directory")
            }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}
