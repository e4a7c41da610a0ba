import ArgumentParser
import Foundation
import HeraldCore
import HeraldDaemon

struct Enqueue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Submit a job from a JSON file; the running daemon fans it out and sends it.")

    @OptionGroup var options: ConfigOption
    @Argument(help: "Job JSON, as POST /v1/jobs takes it.")
    var file: String
    @Flag(help: "Wait until every delivery is sent, suppressed or failed, showing progress.")
    var wait = false
    @Flag(help: "Write nothing: print, as JSON, what the policy would decide and what the first contacts would get.")
    var dryRun = false
    @Option(help: "With --dry-run: how many contacts to render.")
    var sample = 3

    func run() async throws {
        var spec: JobSpec
        do {
            let data = try FileReading.read(file)
            try JSONIntake.check(data)
            spec = try HeraldJSON.decoder().decode(JobSpec.self, from: data)
        } catch {
            throw DecodingErrors.heraldError(error)
        }
        let loaded = try options.load()
        try spec.checkCallback(endpointIds: (loaded.config.webhooks ?? []).map(\.id))
        let smsMaxSegments = try PolicySettings.smsMaxSegments(loaded)
        try PreferenceSettings.topics(loaded).validateJobTopic(spec.topic)
        if spec.template == nil { try JobValidation.validate(spec, smsMaxSegments: smsMaxSegments) }
        let store = try await StoreFactory.open(loaded.storage)
        defer { Task { try? await store.close() } }
        if spec.template != nil {
            try await TemplateResolution.resolve(&spec, in: store)
            try JobValidation.validate(spec, smsMaxSegments: smsMaxSegments)
        }
        if dryRun {
            let report = try await JobDryRun.run(spec, store: store, config: loaded, now: Date(), sampleSize: sample)
            let encoder = HeraldJSON.encoder()
            encoder.outputFormatting.insert(.prettyPrinted)
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        let id: Int64
        switch try await store.createJob(spec, bodyHash: spec.canonicalHash(), at: Date()) {
        case .created(let job):
            id = job.id
            print("job \(id) accepted")
        case .existing(let job):
            id = job.id
            print("job \(id) already exists with this idempotency key and body")
        case .conflict(let existing):
            throw ValidationError("idempotency_key was used for job \(existing) with a different body")
        }
        guard wait else { return }
        var bar: ProgressBar?
        while true {
            guard let job = try await store.job(id: id) else { break }
            let progress = try await store.progress(jobId: id)
            if bar == nil || bar?.total != max(progress.total, 1) {
                bar = ProgressBar(total: max(progress.total, 1), label: "deliveries")
            }
            let settled = progress.total - progress.pending
            bar?.update(settled, suffix: summary(progress))
            let fannedOut = job.status == .active || job.status == .cancelled
            if fannedOut, progress.pending == 0 { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        bar?.finish()
        print("job \(id) done: \(summary(try await store.progress(jobId: id)))")
    }

    private func summary(_ progress: JobProgress) -> String {
        progress.byState.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
    }
}
