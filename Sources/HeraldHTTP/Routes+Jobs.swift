import Foundation
import Hummingbird
import HeraldCore
import HeraldEngine

extension HeraldAPI {
    func addJobRoutes(to router: Router<HeraldRequestContext>) {
        router.post("/v1/jobs") { request, context in
            try context.require(.enqueue)
            var spec = try await request.decodeJSON(JobSpec.self, context: context, plain: JobSpec.init(plainJSON:))
            try await TemplateResolution.resolve(&spec, in: deps.templates)
            let compiled = try JobValidation.validate(spec, smsMaxSegments: deps.smsMaxSegments)
            try deps.topics.validateJobTopic(spec.topic)
            try WebhookAPI.checkCallback(spec, against: deps.webhooks)
            // The job is committed before the 202 goes out: an accepted job survives a crash.
            let canonical = CanonicalJobSpec(spec)
            // An OTP makes bulk work take small bites from now on, so the writes its intake and claim wait for are short.
            if let inline = deps.inlineFanout, inline.isExpress(spec) { deps.expressTraffic?.note(at: deps.now()) }
            switch try await deps.store.createJob(
                spec, json: canonical.json, bodyHash: canonical.hash, at: deps.now(), inline: deps.inlineFanout)
            {
            case .created(let job):
                deps.contents?.remember(compiled, jobId: job.id)
                if job.status == .active { deps.dispatchSignal?.notify() } else { deps.fanoutSignal.notify() }
                return JobAccepted(id: job.id, status: job.status).response(.accepted)
            case .existing(let job):
                return JobAccepted(id: job.id, status: job.status).response(.ok)
            case .conflict(let existingID):
                throw HeraldError(
                    code: "idempotency_conflict",
                    message: "idempotency_key was used for job \(existingID) with a different body"
                        + (try await templateHint(spec, existingID: existingID)),
                    field: "idempotency_key", statusCode: 409)
            }
        }

        router.get("/v1/jobs/:id") { _, context in
            try context.require(.enqueue, .ops)
            return try JSONResponse.make(try await jobView(id: try jobId(context)))
        }

        router.post("/v1/jobs/:id/cancel") { _, context in
            try context.require(.enqueue, .ops)
            let id = try jobId(context)
            // A finished job stays as it ended: its `job.completed` event already went out.
            guard try await jobView(id: id).status != .completed else {
                throw HeraldError(
                    code: "job_completed", message: "the job has completed: every delivery has reached its end",
                    statusCode: 409)
            }
            guard try await deps.store.cancelJob(id: id, at: deps.now()) != nil else { throw HeraldError.notFound("job") }
            return try JSONResponse.make(try await jobView(id: id))
        }
    }

    /// A retry that resolved a newer template version than the job it repeats: say so, since the body sent
    /// is the same.
    private func templateHint(_ spec: JobSpec, existingID: Int64) async throws -> String {
        guard let template = spec.template, let existing = try await deps.store.job(id: existingID)?.spec.template,
            existing.id == template.id, let pinned = existing.version, pinned != template.version
        else { return "" }
        return "; it was resolved to template \(template.id) version \(pinned), now \(template.version ?? 0)"
            + " (give template.version \(pinned) to retry it)"
    }

    private func jobId(_ context: HeraldRequestContext) throws -> Int64 {
        guard let id = context.parameters.get("id", as: Int64.self) else { throw HeraldError.notFound("job") }
        return id
    }

    private func jobView(id: Int64) async throws -> JobView {
        guard let job = try await deps.store.job(id: id) else { throw HeraldError.notFound("job") }
        let (status, progress) = try await deps.progress(of: job)
        return JobView(
            id: job.id, idempotencyKey: job.spec.idempotencyKey, status: status, purpose: job.spec.purpose,
            topic: job.spec.topic, channels: job.spec.channels, template: job.spec.template, createdAt: job.createdAt,
            audienceProcessed: job.audienceCount, deliveries: progress.total, byState: progress.byState,
            bySuppressionReason: progress.byReason)
    }
}

struct JobAccepted {
    var id: Int64
    var status: JobStatus

    /// Written as bytes, as the encoder would write it (`{"id":…,"status":"…"}`): every job gets one, and
    /// `JSONEncoder` was 2% of the daemon's CPU under one-contact jobs.
    func response(_ code: HTTPResponse.Status) -> Response {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(48)
        bytes += #"{"id":"#.utf8
        FastJSON.appendInteger(id, to: &bytes)
        bytes += #","status":""#.utf8
        bytes += status.rawValue.utf8
        bytes += #""}"#.utf8
        return JSONResponse.make(json: bytes, status: code)
    }
}

struct JobView: Encodable {
    var id: Int64
    var idempotencyKey: String
    var status: JobStatus
    var purpose: Purpose
    var topic: String?
    var channels: [ChannelKind]
    /// The stored template and version the job's content came from.
    var template: TemplateRef?
    var createdAt: Date
    /// Audience members fanned out so far.
    var audienceProcessed: Int
    var deliveries: Int
    var byState: [String: Int]
    var bySuppressionReason: [String: Int]
}
