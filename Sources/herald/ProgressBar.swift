import Foundation

/// A one-line progress bar on a terminal; plain periodic lines when output is not a terminal.
struct ProgressBar {
    let total: Int
    let label: String
    private let isTerminal = isatty(STDOUT_FILENO) == 1
    private var lastPrinted = -1

    init(total: Int, label: String) {
        self.total = max(total, 1)
        self.label = label
    }

    mutating func update(_ done: Int, suffix: String = "") {
        let percent = min(100, done * 100 / total)
        if isTerminal {
            let width = 30
            let filled = width * percent / 100
            let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
            print("\r\(bar) \(percent)% \(done)/\(total) \(label) \(suffix)", terminator: "")
            fflush(nil)
        } else if percent / 10 != lastPrinted / 10 || done == total {
            print("\(percent)% \(done)/\(total) \(label) \(suffix)")
        }
        lastPrinted = percent
    }

    func finish() {
        if isTerminal { print("") }
    }
}
