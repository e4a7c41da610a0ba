import CCurl
import CCurlShim
import Foundation
import Synchronization

/// Up to `capacity` curl easy handles to one relay or HTTP endpoint, all driven by one thread through
/// libcurl's multi interface. The multi handle's connection cache keeps up to `capacity` connections
/// (SMTP sessions with their TLS and AUTH, or HTTP/1.1 keep-alive connections) open across messages;
/// at most `capacity` transfers (`CurlJob`s) run at once, the rest wait in order. One thread waiting
/// in epoll replaces a blocked thread per connection and a queue hop per message;
/// `curl_multi_socket_action` then runs only the transfers whose socket is ready (`curl_multi_perform`
/// would run, and poll, every one). The thread starts with the first transfer and ends at `shutdown`.
final class CurlMultiLoop: @unchecked Sendable {
    /// What callers and the loop thread share, behind `shared`.
    private struct Shared {
        var queued: [any CurlJob] = []
        var started = false
        var closing = false
        /// The loop thread is in (or about to enter) epoll_wait, so a new job must wake it. While it is
        /// busy it takes new jobs on its next round anyway, and callers skip the eventfd write.
        var sleeping = false
        /// Set by the loop thread just before it frees the multi handle: nobody may wake it after.
        var finished = false
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
    }

    let capacity: Int
    private let label: String
    private let makeHandle: @Sendable () -> CurlEasy?
    private let shared = Mutex(Shared())
    private let multi: UnsafeMutableRawPointer
    private let epollFD: Int32
    private let wakeFD: Int32
    /// The epoll set and libcurl's next deadline, updated by the C callbacks on the loop thread.
    private let binding: UnsafeMutablePointer<herald_epoll_binding>
    /// Transfers queued or running, for `CurlHandlePool` to pick the least busy loop.
    let load = Atomic<Int>(0)

    // Owned by the loop thread.
    private var idle: [CurlEasy] = []
    private var running: [UnsafeMutableRawPointer: (easy: CurlEasy, job: any CurlJob)] = [:]

    init?(capacity: Int, label: String, makeHandle: @escaping @Sendable () -> CurlEasy?) {
        guard CurlEasy.isReady, let multi = curl_multi_init() else { return nil }
        var wakeFD: Int32 = -1
        let epollFD = herald_epoll_create(&wakeFD)
        guard epollFD >= 0 else {
            curl_multi_cleanup(multi)
            return nil
        }
        self.capacity = capacity
        self.label = label
        self.makeHandle = makeHandle
        self.multi = multi
        self.epollFD = epollFD
        self.wakeFD = wakeFD
        binding = .allocate(capacity: 1)
        binding.pointer(to: \.epoll_fd)!.initialize(to: epollFD)
        binding.pointer(to: \.deadline)!.initialize(to: -1)
        herald_curl_multi_use_epoll(multi, binding)  // also clears the table of watched sockets
        // Keep one idle session per slot, no more: the cache would otherwise grow to 4 × handles.
        herald_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, capacity)
    }

    deinit {
        // The loop thread holds the pool while it runs, so here it either never started or has freed `multi`.
        if !shared.withLock(\.started) { curl_multi_cleanup(multi) }
        close(wakeFD)
        close(epollFD)
        binding.deallocate()
    }

    /// Queues the job `makeJob` builds around the caller's continuation and waits for its result;
    /// nil when the loop is shut down or libcurl could not make a handle.
    func run<Output: Sendable>(_ makeJob: (CheckedContinuation<Output?, Never>) -> any CurlJob) async -> Output? {
        await withCheckedContinuation { completion in submit([makeJob(completion)]) }
    }

    /// Queues `jobs` in order without waiting: each reports through its own completion. One lock and
    /// at most one wake-up for the lot, which is what makes batches cheaper than one `run` each.
    func submit(_ jobs: [any CurlJob]) {
        guard !jobs.isEmpty else { return }
        load.add(jobs.count, ordering: .relaxed)
        let accepted = shared.withLock { shared -> Bool in
            guard !shared.closing else { return false }
            shared.queued.append(contentsOf: jobs)
            if !shared.started {
                shared.started = true
                Thread { self.runLoop() }.start()
            } else if shared.sleeping {
                shared.sleeping = false
                herald_wake(wakeFD)
            }
            return true
        }
        if !accepted { for job in jobs { complete(job, on: nil, code: CURLE_FAILED_INIT) } }
    }

    /// Every job ends here, whichever way it ends, so `load` counts exactly the jobs not yet completed. The
    /// count drops before the job's caller resumes: a caller that sends its next message at once must find this
    /// loop idle and reuse its warm connection, not open another on a second loop (seen under load).
    private func complete(_ job: any CurlJob, on easy: CurlEasy?, code: CURLcode) {
        load.subtract(1, ordering: .relaxed)
        job.complete(on: easy, code: code)
    }

    /// Refuses new transfers, lets those in flight finish, then closes every cached connection
    /// (libcurl sends QUIT) and ends the loop thread.
    func shutdown() async {
        let (queued, started) = shared.withLock { shared in
            shared.closing = true
            defer { shared.queued = [] }
            return (shared.queued, shared.started)
        }
        for job in queued { complete(job, on: nil, code: CURLE_FAILED_INIT) }
        guard started else { return }
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let finished = shared.withLock { shared in
                if shared.finished { return true }
                shared.stopWaiters.append(done)
                herald_wake(wakeFD)
                return false
            }
            if finished { done.resume() }
        }
    }

    private func runLoop() {
        // Named from inside the thread, where Foundation applies it; Linux takes at most 15 bytes.
        Thread.current.name = String(decoding: label.utf8.prefix(15), as: UTF8.self)
        var active: Int32 = 0
        var sockets = [Int32](repeating: 0, count: 32)
        var flags = [Int32](repeating: 0, count: 32)
        while true {
            let free = capacity - running.count
            let (jobs, closing) = shared.withLock { shared in
                shared.sleeping = false
                let taken = Array(shared.queued.prefix(free))
                shared.queued.removeFirst(taken.count)
                return (taken, shared.closing)
            }
            for job in jobs { start(job) }
            if closing && running.isEmpty { break }
            // A finished transfer frees a slot: go round at once so a queued message takes it.
            if runDueTimeout(&active) > 0 { continue }
            let canStartMore = running.count < capacity
            let sleeps = shared.withLock { shared in
                // Jobs that arrived during this round and can start now are taken instead of sleeping.
                if canStartMore && !shared.queued.isEmpty { return false }
                shared.sleeping = true
                return true
            }
            guard sleeps else { continue }
            let deadline = binding.pointee.deadline
            let wait = deadline < 0 ? 1000 : Int32(clamping: max(0, min(1000, deadline - herald_monotonic_ms())))
            let ready = herald_epoll_wait(binding, &sockets, &flags, 32, wait)
            for index in 0..<max(0, Int(ready)) {
                if sockets[index] == wakeFD {
                    herald_drain_wake(wakeFD)
                } else {
                    curl_multi_socket_action(multi, sockets[index], flags[index], &active)
                }
            }
            _ = runDueTimeout(&active)
        }
        let waiters = shared.withLock { shared in
            shared.finished = true
            return shared.stopWaiters
        }
        for easy in idle { easy.close() }
        idle = []
        curl_multi_cleanup(multi)
        for waiter in waiters { waiter.resume() }
    }

    /// Lets libcurl run its timers (a new transfer starts on a zero timeout), then completes what finished.
    private func runDueTimeout(_ active: inout Int32) -> Int {
        let deadline = binding.pointee.deadline
        if deadline >= 0, deadline <= herald_monotonic_ms() {
            binding.pointee.deadline = -1
            curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &active)
        }
        return collectFinished()
    }

    private func start(_ job: any CurlJob) {
        guard let easy = idle.popLast() ?? newHandle() else {
            return complete(job, on: nil, code: CURLE_FAILED_INIT)
        }
        job.start(on: easy)
        let code = curl_multi_add_handle(multi, easy.handle)
        guard code == CURLM_OK else {
            complete(job, on: easy, code: CURLE_FAILED_INIT)
            idle.append(easy)
            return
        }
        running[easy.handle] = (easy, job)
    }

    /// A handle whose connection sockets the epoll binding tracks (see `herald_curl_track_sockets`).
    private func newHandle() -> CurlEasy? {
        guard let easy = makeHandle() else { return nil }
        herald_curl_track_sockets(easy.handle, binding)
        return easy
    }

    /// Completes every finished transfer; returns how many there were.
    private func collectFinished() -> Int {
        var count = 0
        var handle: UnsafeMutableRawPointer?
        var code = CURLE_OK
        while herald_curl_multi_next_done(multi, &handle, &code) != 0 {
            guard let handle, let (easy, job) = running.removeValue(forKey: handle) else { continue }
            curl_multi_remove_handle(multi, handle)
            complete(job, on: easy, code: code)
            idle.append(easy)
            count += 1
        }
        return count
    }
}
