import Foundation

/// The records of an NDJSON body: each non-blank line with its index from 0, blank lines counted, so an error
/// can name the line an editor shows. A line of spaces, tabs or a carriage return alone is blank.
enum NDJSONLines {
    static func records(_ data: Data) -> [(index: Int, line: Data.SubSequence)] {
        data.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated().compactMap { index, line in
            line.contains(where: { $0 != 0x20 && $0 != 0x0D && $0 != 0x09 }) ? (index, line) : nil
        }
    }
}
