import Foundation

/// Kannel 1.4.5 as the reference gateway: bearerbox + smsbox on free loopback ports, an `smsc = http`
/// (`system-type = generic`) whose send-url is the same `GET /sms?to=…&text=…` to the same kind of sink,
/// and a file store so accepted messages are kept on disk as Herald keeps them.
final class E2EKannel {
    let sendsmsPort: Int
    private var children: [Process] = []

    init(directory: URL, sinkURL: String) async throws {
        let bearerbox = try LoopbackTool.find("bearerbox")
        let smsbox = try LoopbackTool.find("smsbox")
        sendsmsPort = try LoopbackTool.freePort()
        let ports = Ports(admin: try LoopbackTool.freePort(), box: try LoopbackTool.freePort(), mo: try LoopbackTool.freePort())
        let conf = directory.appendingPathComponent("kannel.conf")
        try config(directory: directory.path, sinkURL: sinkURL, ports: ports).write(to: conf, atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: directory.appendingPathComponent("kannel.store").path, contents: nil)
        // `-v 4`: panics only on the console; the boxes' own log files take errors.
        do {
            children.append(try LoopbackTool.start(bearerbox, ["-v", "4", conf.path]))
            try await LoopbackTool.waitUntilListening(port: ports.box)
            children.append(try LoopbackTool.start(smsbox, ["-v", "4", conf.path]))
            try await LoopbackTool.waitUntilListening(port: sendsmsPort)
        } catch {
            stop()
            throw error
        }
    }

    /// The sendsms URL for one message (`text` is percent-encoded here).
    static func sendURL(port: Int, to: String, text: String) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let encode = { (value: String) in value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value }
        return "http://127.0.0.1:\(port)/cgi-bin/sendsms?username=bench&password=bench&from=Herald"
            + "&to=\(encode(to))&text=\(encode(text))"
    }

    /// smsbox first, so bearerbox is not left queueing for a box that went away.
    func stop() {
        for child in children.reversed() { LoopbackTool.stop(child) }
        children = []
    }

    private struct Ports {
        var admin: Int
        var box: Int
        var mo: Int
    }

    /// `%p` is the receiver in an MT send-url, `%b` the text as sent, both URL-encoded by Kannel. The one
    /// port not on 127.0.0.1 is the HTTP SMSC's MO `port`: 1.4.5 has no interface setting for it and it is
    /// required, so `connect-allow-ip` admits loopback only.
    private func config(directory: String, sinkURL: String, ports: Ports) -> String {
        """
        group = core
        admin-port = \(ports.admin)
        admin-password = bench
        admin-interface = 127.0.0.1
        admin-allow-ip = "127.0.0.1"
        smsbox-port = \(ports.box)
        smsbox-interface = 127.0.0.1
        box-allow-ip = "127.0.0.1"
        log-file = "\(directory)/bearerbox.log"
        log-level = 3
        dlr-storage = internal
        store-type = file
        store-location = "\(directory)/kannel.store"

        group = smsc
        smsc = http
        smsc-id = sink
        system-type = generic
        port = \(ports.mo)
        connect-allow-ip = "127.0.0.1"
        send-url = "\(sinkURL)/sms?to=%p&text=%b"
        status-success-regex = "OK"
        max-pending-submits = 64

        group = smsbox
        bearerbox-host = 127.0.0.1
        bearerbox-port = \(ports.box)
        sendsms-port = \(sendsmsPort)
        sendsms-interface = 127.0.0.1
        log-file = "\(directory)/smsbox.log"
        log-level = 3

        group = sendsms-user
        username = bench
        password = bench
        max-messages = 1

        group = sms-service
        keyword = default
        text = "ok"

        """
    }
}
