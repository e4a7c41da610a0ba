import Foundation

/// Timing and memory helpers: medians over repeated runs, peak RSS from the kernel.
enum Measure {
    static func seconds(_ body: () async throws -> Void) async rethrows -> Double {
        let clock = ContinuousClock()
        let elapsed = try await clock.measure { try await body() }
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// User + system CPU time of this whole process (every thread), in seconds. Unlike wall-clock rates it
    /// barely moves when other builds share the cores, so per-message CPU compares across noisy runs.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// Calls per second of `body(0..<calls)`, once per round, and the sum of what the calls returned: a caller that
    /// reports or checks the sum keeps the work from being optimized away. For one-core loops without I/O.
    static func callRates(calls: Int, rounds: Int, _ body: (Int) -> Int) -> (rates: [Double], total: Int) {
        var rates: [Double] = []
        var total = 0
        for _ in 0..<rounds {
            let clock = ContinuousClock()
            let start = clock.now
            for index in 0..<calls { total &+= body(index) }
            let elapsed = clock.now - start
            rates.append(Double(calls) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))
        }
        return (rates, total)
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }

    /// Peak resident set size of this process (VmHWM), in MiB.
    static func peakRSSMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kib = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return kib / 1024
        }
        return 0
    }

    /// Resets the peak so each scenario reports its own (Linux ≥ 4.0: write 5 to clear_refs).
    static func resetPeakRSS() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    static func temporaryDirectory(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("herald-bench-\(name)-\(UUID().uuidString.prefix(6))")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

struct Row {
    var scenario: String
    var metric: String
    var median: Double
    var unit: String
    var note: String
    /// How `median` is printed: whole numbers unless a row needs milliseconds' tenths.
    var format = "%.0f"

    var markdown: String {
        "| \(scenario) | \(metric) | \(String(format: format, median)) \(unit) | \(note) |"
    }
}
