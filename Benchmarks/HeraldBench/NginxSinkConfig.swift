/// The nginx configuration of every loopback sink the benchmarks start: one `location` answering a fixed
/// body, temp folders inside `directory`, and either no access log or `$msec $request_uri` per request.
enum NginxSinkConfig {
    /// `accessLog` nil turns logging off; otherwise requests are logged there, buffered (the buffer delays
    /// the write, never the `$msec` stamp).
    static func make(
        port: Int, directory: String, path: String, contentType: String, body: String, accessLog: String? = nil
    ) -> String {
        let logging =
            accessLog.map { "log_format sink '$msec $request_uri';\n    access_log \($0) sink buffer=256k flush=100ms;" }
            ?? "access_log off;"
        return """
            worker_processes auto;
            error_log \(directory)/error.log warn;
            pid \(directory)/nginx.pid;
            events { worker_connections 4096; }
            http {
                \(logging)
                client_body_temp_path \(directory)/body;
                proxy_temp_path \(directory)/proxy;
                fastcgi_temp_path \(directory)/fastcgi;
                uwsgi_temp_path \(directory)/uwsgi;
                scgi_temp_path \(directory)/scgi;
                keepalive_requests 1000000;
                server {
                    listen 127.0.0.1:\(port);
                    location = \(path) {
                        default_type \(contentType);
                        return 200 '\(body)';
                    }
                }
            }

            """
    }
}
