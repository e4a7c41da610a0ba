import Foundation
import HeraldCore

/// Inline SVG line charts: one series per channel kind over the last hour. No script, no library.
enum DashboardCharts {
    static let colors: [ChannelKind: String] = [.email: "#3367d6", .sms: "#2e9e5b", .push: "#e37400", .messenger: "#8e44ad"]

    struct Series {
        var channel: ChannelKind
        /// (seconds before now, value), oldest first.
        var points: [(Double, Double)]
        /// Shown in the legend, e.g. "now 12" or "312 in the last hour".
        var summary: String
    }

    static func lineChart(title: String, series: [Series], window: Double = 3600, unit: String) -> String {
        let width = 560.0, height = 160.0, left = 40.0, bottom = 20.0
        let maxValue = max(series.flatMap { $0.points.map(\.1) }.max() ?? 0, 1)
        func x(_ age: Double) -> Double { left + (width - left) * (1 - min(max(age, 0), window) / window) }
        func y(_ value: Double) -> Double { (height - bottom) * (1 - value / maxValue) + 4 }
        var svg = """
            <svg role="img" aria-label="\(DashboardHTML.escape(title))" viewBox="0 0 \(Int(width)) \(Int(height + 4))" width="100%">
            <line x1="\(left)" y1="\(y(0))" x2="\(width)" y2="\(y(0))" stroke="#ccd"/>
            <text x="2" y="12" font-size="10" fill="#778">\(format(maxValue)) \(unit)</text>
            <text x="2" y="\(y(0))" font-size="10" fill="#778">0</text>
            <text x="\(left)" y="\(height + 2)" font-size="10" fill="#778">−60 min</text>
            <text x="\(width - 28)" y="\(height + 2)" font-size="10" fill="#778">now</text>
            """
        for line in series where !line.points.isEmpty {
            let path = line.points.map { "\(format(x($0.0))),\(format(y($0.1)))" }.joined(separator: " ")
            let color = colors[line.channel] ?? "#333"
            svg += "<polyline class=\"series-\(line.channel.rawValue)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(path)\"/>"
            for point in line.points where line.points.count < 3 {
                svg += "<circle cx=\"\(format(x(point.0)))\" cy=\"\(format(y(point.1)))\" r=\"3\" fill=\"\(color)\"/>"
            }
        }
        svg += "</svg>"
        let legend = series.map { line in
            "<span><i style=\"background:\(colors[line.channel] ?? "#333")\"></i>\(line.channel.rawValue): \(line.summary)</span>"
        }.joined()
        return svg + "<div class=\"legend\">\(legend)</div>"
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
