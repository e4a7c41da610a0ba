import Foundation
import Hummingbird
import HeraldCore
import NIOCore

extension HeraldAPI {
    func addHealthRoutes(to router: Router<HeraldRequestContext>) {
        router.get("/healthz") { _, _ in
            try JSONResponse.make(["status": "ok"])
        }

        router.get("/readyz") { _, _ in
            let (ready, detail) = await deps.readiness()
            var body = detail
            body["status"] = ready ? "ready" : "not_ready"
            return try JSONResponse.make(body, status: ready ? .ok : .serviceUnavailable)
        }

        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: await deps.metrics())))
        }

        router.get("/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.text)))
        }
    }
}

/// The API description shipped inside the binary (Sources/HeraldHTTP/Resources/openapi.yaml).
public enum OpenAPIDocument {
    public static let text: String = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "yaml"),
            let text = try? String(contentsOf: url, encoding: .utf8)
        else { return "openapi: 3.1.0\n" }
        return text
    }()
}
