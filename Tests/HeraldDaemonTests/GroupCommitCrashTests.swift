import Foundation
import Testing

/// Concurrent intakes share one SQLite transaction (group commit). A `kill -9` while groups are being
/// written must not lose a job whose 202 went out: the 202 is sent only after its group committed.
@Suite struct GroupCommitCrashTests {
    @Test func everyAcknowledgedJobSurvivesKill9DuringConcurrentIntake() async throws {
        let daemon = try DaemonProcess()
        try await daemon.start()
        let key = try daemon.adminKey
        #expect(try await HTTP.post("\(daemon.base)/v1/contacts/batch", DaemonLifecycleTests.contacts(50), key: key).status == 200)

        // 800 one-contact jobs posted by one curl at 32 in parallel, each response kept in its own file.
        let folder = daemon.directory.appendingPathComponent("posts")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var config = ""
        for index in 0..<800 {
            let body = folder.appendingPathComponent("job-\(index).json")
            let job = #"{"idempotency_key":"gc-\#(index)","purpose":"transactional","audience":{"contact_ids":["c\#(index % 50)"]},"channels":["sms"],"content":{"sms":{"text":"code \#(index)"}}}"#
            try job.write(to: body, atomically: true, encoding: .utf8)
            config += """
                url = "\(daemon.base)/v1/jobs"
                header = "Authorization: Bearer \(key)"
                header = "Content-Type: application/json"
                data-binary = "@\(body.path)"
                output = "\(folder.appendingPathComponent("reply-\(index).json").path)"
                next

                """
        }
        let configFile = folder.appendingPathComponent("curl.config")
        try config.write(to: configFile, atomically: true, encoding: .utf8)
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-s", "--parallel", "--parallel-max", "32", "-K", configFile.path]
        try curl.run()

        // Kill once a good share has been answered, while the rest are in flight.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, try Self.acknowledged(in: folder).count < 200 {
            try await Task.sleep(for: .milliseconds(20))
        }
        daemon.kill9()
        while curl.isRunning { try await Task.sleep(for: .milliseconds(50)) }

        let acknowledged = try Self.acknowledged(in: folder)
        #expect(acknowledged.count >= 200)
        #expect(acknowledged.count < 800, "the kill should land while posts are in flight")
        try await daemon.start()
        for (index, id) in acknowledged {
            let view = try await HTTP.get("\(daemon.base)/v1/jobs/\(id)", key: key)
            #expect(view.status == 200, "job \(id) (gc-\(index)) was acknowledged but is gone")
            #expect(view.body.contains(#""idempotency_key":"gc-\#(index)""#))
            #expect(view.body.contains(#""deliveries":1"#), "job \(id): \(view.body)")
        }
        #expect(daemon.terminate() == 0)
    }

    /// Post index → job id, for every reply that is a 202's body.
    static func acknowledged(in folder: URL) throws -> [Int: Int] {
        var found: [Int: Int] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasPrefix("reply-") {
            guard let index = Int(name.dropFirst("reply-".count).dropLast(".json".count)),
                let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                let id = object["id"] as? Int, object["status"] != nil
            else { continue }
            found[index] = id
        }
        return found
    }
}
