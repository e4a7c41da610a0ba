import Foundation
import Hummingbird
import HeraldCore

extension HeraldAPI {
    /// `POST /v1/consents/batch`: NDJSON consent history from another system, appended to the chain in the
    /// order of its lines, all or nothing.
    func addConsentImportRoutes(to router: Router<HeraldRequestContext>) {
        router.post("/v1/consents/batch") { request, context in
            try context.require(.compliance)
            guard let store = deps.store as? any ConsentImportStore else {
                throw HeraldError(code: "not_supported", message: "this store cannot import consents", statusCode: 501)
            }
            let data = try await request.bodyData(context: context)
            let inputs = try ConsentBatch.decode(data, now: deps.now(), defaultActor: context.role?.rawValue ?? "api")
            let result = try await store.importConsents(inputs, at: deps.now(), progress: nil)
            return try JSONResponse.make(result, status: .created)
        }
    }
}
