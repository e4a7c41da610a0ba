import Foundation
import Hummingbird
import HeraldCore

extension HeraldAPI {
    /// `DELETE /v1/contacts/{id}` (compliance, admin): erases everything personal Herald holds about one
    /// person (see `ContactErasureStore`) and answers with the tombstone the erased history now carries.
    func addErasureRoutes(to router: Router<HeraldRequestContext>) {
        router.delete("/v1/contacts/:id") { _, context in
            try context.require(.compliance, .admin)
            let id = try context.parameters.require("id")
            guard
                let erasure = try await ContactEraser.erase(
                    id, store: deps.store, settings: deps.erasure, actor: context.actor, at: deps.now())
            else { throw HeraldError.notFound("contact") }
            // Recorded after the fact, under the tombstone: the audit log must not keep the erased id either.
            try await recordAccess(context, action: "contact_erase", query: "tombstone=\(erasure.tombstone)")
            return try JSONResponse.make(erasure)
        }
    }
}
