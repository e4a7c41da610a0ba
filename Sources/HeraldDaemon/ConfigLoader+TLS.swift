import HeraldCore

extension LoadedConfig {
    /// `HERALD_TLS_CERTIFICATE` + `HERALD_TLS_KEY` and `HERALD_INSECURE_LISTEN=true`: the container
    /// image is configured by environment, so its choice between the two must be too.
    static func applyTLSEnvironment(_ environment: [String: String], to config: inout HeraldConfig) throws(HeraldError) {
        let certificate = environment["HERALD_TLS_CERTIFICATE"].flatMap { $0.isEmpty ? nil : $0 }
        let key = environment["HERALD_TLS_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        switch (certificate, key) {
        case (let certificate?, let key?): config.tls = TLSFiles(certificate: certificate, key: key)
        case (nil, nil): break
        default:
            throw HeraldError(
                code: "config_invalid", message: "set both HERALD_TLS_CERTIFICATE and HERALD_TLS_KEY, or neither",
                field: "tls")
        }
        if let insecure = environment["HERALD_INSECURE_LISTEN"], !insecure.isEmpty {
            guard let value = Bool(insecure.lowercased()) else {
                throw HeraldError(
                    code: "config_invalid", message: "HERALD_INSECURE_LISTEN must be true or false", field: "insecure_listen")
            }
            config.insecureListen = value
        }
    }

    /// Refuses clear text off loopback, then reads the certificate and key (nil: plain HTTP).
    public func tlsCertificates() throws(HeraldError) -> TLSCertificates? {
        try ListenSecurity.check(host: host, tls: config.tls != nil, insecureListen: config.insecureListen ?? false)
        guard let files = config.tls else { return nil }
        return try TLSCertificates(files: files)
    }
}
