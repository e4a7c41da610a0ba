import Foundation

/// Decoded job specs by job id, so a claim of a thousand deliveries decodes each job once, not per row.
public typealias JobSpecCache = JobCache<JobSpec>

extension JobCache where Value == JobSpec {
    public convenience init() { self.init(limit: 1024) }

    public func spec(jobId: Int64, json: String) throws -> JobSpec {
        try value(jobId: jobId) {
            let data = Data(json.utf8)
            return try JobSpec(plainJSON: data) ?? HeraldJSON.decoder().decode(JobSpec.self, from: data)
        }
    }
}
