import ArgumentParser
import Certificates
import CouplingLayers
import Foundation
import Search

struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw search statistics as an SVG figure.",
        discussion: """
        Reads the search-k2.stats files in the given directories (one search-k2 run per \
        directory, typically one per d) and plots the share of candidates with proven depth \
        1, 2 and 3, in K_2 numerically, and undecided, against d.

        Example:
          for d in 2 3 4 5; do flowproof search-k2 --d $d --family random --count 100000 \\
              --max-candidates 400 --out runs/d$d --quiet; done
          flowproof plot runs/d* --out depth-share.svg
        """)

    @Argument(help: "Directories holding search-k2.stats files.")
    var directories: [String]

    @Option(help: "Output SVG file.")
    var out: String

    @Option(help: "Figure title.")
    var title = "Minimal depth of sampled matrices"

    @Flag(help: "Print a JSON summary.")
    var json = false

    func run() throws {
        var stats: [SearchStatistics] = []
        for directory in directories {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory))?.filter { $0.hasSuffix(".stats") } ?? []
            guard !files.isEmpty else { throw fail("\(directory): no search-k2.stats file", ExitStatus.badInput) }
            var parts: [SearchStatistics] = []
            for name in files.sorted() {
                let path = (directory as NSString).appendingPathComponent(name)
                guard let data = FileManager.default.contents(atPath: path),
                      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                      let s = SearchStatistics(jsonObject: object) else {
                    throw fail("\(path): not a search-k2 stats file", ExitStatus.badInput)
                }
                parts.append(s)
            }
            guard let merged = SearchStatistics.merged(parts), merged.candidates > 0 else {
                throw fail("\(directory): stats of different searches, or no candidates", ExitStatus.badInput)
            }
            stats.append(merged)
        }
        stats.sort { $0.d < $1.d }
        let colors: [DepthAnalysis.Outcome: String] = [
            .depth1: "#1b9e77", .depth2: "#7570b3", .depth3: "#d95f02", .numericK2: "#66a61e", .undecided: "#999999",
        ]
        let series = DepthAnalysis.Outcome.allCases.map { outcome in
            SVGChart.Series(label: outcome.rawValue, color: colors[outcome]!,
                            points: stats.map { (Double($0.d), 100 * Double($0[outcome]) / Double($0.candidates)) })
        }
        let regimes = Set(stats.map(\.regime.rawValue)).sorted().joined(separator: ", ")
        let families = Set(stats.map(\.family.rawValue)).sorted().joined(separator: ", ")
        let chart = SVGChart(title: title, xLabel: "d (matrices are 2d×2d); \(families), \(regimes)",
                             yLabel: "share of candidates (%)", series: series, yRange: 0...100)
        do { try AtomicFile.write(chart.svg, to: out) } catch { throw fail(error.message, ExitStatus.badInput) }
        if json {
            print(JSONValue.object([("command", .string("plot")), ("out", .string(out)),
                                    ("points", .int(stats.count))]).text)
        } else {
            print("wrote \(out) (\(stats.count) values of d)")
        }
    }
}
