import Foundation

/// A minimal line chart written as SVG text: enough for flowproof's figures
/// without a plotting dependency, and deterministic byte for byte.
struct SVGChart {
    struct Series {
        var label: String
        var color: String
        var points: [(x: Double, y: Double)]
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var series: [Series]
    /// Log scale on y (for condition numbers); linear otherwise.
    var logY = false
    var yRange: ClosedRange<Double>? = nil

    private let width = 640.0, height = 400.0
    private let left = 70.0, right = 170.0, top = 40.0, bottom = 50.0

    var svg: String {
        let xs = series.flatMap { $0.points.map(\.x) }
        let ys = series.flatMap { $0.points.map(\.y) }.filter { !logY || $0 > 0 }
        let xMin = xs.min() ?? 0, xMax = max(xs.max() ?? 1, (xs.min() ?? 0) + 1)
        let yLow = yRange?.lowerBound ?? (logY ? pow(10, floor(log10(ys.min() ?? 1))) : min(0, ys.min() ?? 0))
        let yHigh = yRange?.upperBound ?? (logY ? pow(10, ceil(log10(max(ys.max() ?? 10, yLow * 10)))) : (ys.max() ?? 1))
        let plotW = width - left - right, plotH = height - top - bottom
        func px(_ x: Double) -> Double { left + (x - xMin) / (xMax - xMin) * plotW }
        func py(_ y: Double) -> Double {
            let t = logY ? (log10(max(y, yLow)) - log10(yLow)) / (log10(yHigh) - log10(yLow)) : (y - yLow) / (yHigh - yLow)
            return top + (1 - t) * plotH
        }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(f(width / 2))" y="22" text-anchor="middle" font-size="15">\(escape(title))</text>

            """
        // Axes, ticks and grid.
        out += "<line x1=\"\(f(left))\" y1=\"\(f(top + plotH))\" x2=\"\(f(left + plotW))\" y2=\"\(f(top + plotH))\" stroke=\"black\"/>\n"
        out += "<line x1=\"\(f(left))\" y1=\"\(f(top))\" x2=\"\(f(left))\" y2=\"\(f(top + plotH))\" stroke=\"black\"/>\n"
        for x in Set(xs).sorted() {
            out += "<text x=\"\(f(px(x)))\" y=\"\(f(top + plotH + 18))\" text-anchor=\"middle\">\(label(x))</text>\n"
        }
        let yTicks: [Double] =
            logY
            ? stride(from: log10(yLow), through: log10(yHigh), by: 1).map { pow(10, $0) }
            : (0...5).map { yLow + Double($0) * (yHigh - yLow) / 5 }
        for y in yTicks {
            out += "<line x1=\"\(f(left))\" y1=\"\(f(py(y)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(py(y)))\" stroke=\"#ddd\"/>\n"
            let text = logY ? "1e\(Int(log10(y).rounded()))" : label(y)
            out += "<text x=\"\(f(left - 8))\" y=\"\(f(py(y) + 4))\" text-anchor=\"end\">\(text)</text>\n"
        }
        out += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 12))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        out += "<text transform=\"translate(18 \(f(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(yLabel))</text>\n"
        // Series with markers and a legend.
        for (k, s) in series.enumerated() {
            let visible = s.points.filter { !logY || $0.y > 0 }
            if visible.count > 1 {
                let path = visible.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
                out += "<polyline fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"2\" points=\"\(path)\"/>\n"
            }
            for p in visible {
                out += "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"3.5\" fill=\"\(s.color)\"/>\n"
            }
            let ly = top + 10 + Double(k) * 20
            out +=
                "<line x1=\"\(f(width - right + 15))\" y1=\"\(f(ly))\" x2=\"\(f(width - right + 35))\" y2=\"\(f(ly))\" stroke=\"\(s.color)\" stroke-width=\"2\"/>\n"
            out += "<text x=\"\(f(width - right + 40))\" y=\"\(f(ly + 4))\">\(escape(s.label))</text>\n"
        }
        return out + "</svg>\n"
    }

    private func label(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e6 ? String(Int(v)) : String(format: "%.2g", v)
    }

    private func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(
            of: ">", with: "&gt;")
    }
}
