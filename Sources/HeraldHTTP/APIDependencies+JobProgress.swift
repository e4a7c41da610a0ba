import HeraldCore

extension APIDependencies {
    /// A job's counts and the status it is shown with: an active job with nothing pending is `completed`.
    func progress(of job: Job) async throws -> (status: JobStatus, progress: JobProgress) {
        let store = self.store
        let progress = try await progressCounts.progress(jobId: job.id, status: job.status) {
            try await store.progress(jobId: job.id)
        }
        let status = job.status == .active && progress.pending == 0 ? JobStatus.completed : job.status
        return (status, progress)
    }
}
