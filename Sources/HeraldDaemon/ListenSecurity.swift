import Foundation
import HeraldCore

/// Every request carries an API key, so only loopback may be served in clear text — unless the config
/// says `insecure_listen: true` in so many words (a TLS proxy in front, on a network of its own).
public enum ListenSecurity {
    public static func check(host: String, tls: Bool, insecureListen: Bool) throws(HeraldError) {
        guard !tls, !insecureListen, !isLoopback(host) else { return }
        throw HeraldError(
            code: "insecure_listen",
            message: "listen \(host) is not a loopback address and tls is not set: API keys would cross the network "
                + "in clear text; set tls: {certificate, key}, or insecure_listen: true when a TLS proxy terminates "
                + "in front of herald",
            field: "insecure_listen")
    }

    /// 127.0.0.0/8, ::1 and `localhost`; any other name may resolve to a routable address.
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" { return true }
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return UInt32(bigEndian: v4.s_addr) >> 24 == 127 }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { bytes in bytes.dropLast().allSatisfy { $0 == 0 } && bytes.last == 1 }
        }
        return false
    }
}
