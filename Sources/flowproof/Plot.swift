import ArgumentParser
import Certificates
import CouplingLayers
import ExactLinearAlgebra
import FileIO
import Foundation
import Search

struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw search statistics or float conditioning as an SVG figure.",
        discussion: """
            Reads the search-k2 records (.stats) in the given directories (one point per search, \
            typically one directory per d) and plots the share of candidates with proven depth \
            1, 2 and 3, in K_2 numerically, and undecided, against d.

            With --conditioning FILE (JSON lines, each the output of `decompose --arith float \
            --json`), plots the product of the layer condition numbers against the depth, one \
            curve per d.

            Examples:
              for d in 2 3 4 5; do flowproof search-k2 --d $d --family random --count 100000 \\
                  --max-candidates 400 --out runs/d$d --quiet; done
              flowproof plot runs/d* --out depth-share.svg
              flowproof plot --conditioning sweep.jsonl --out conditioning.svg
            """)

    @Argument(help: "Directories holding search-k2.stats files.")
    var directories: [String] = []

    @Option(help: "JSON lines of `decompose --arith float --json` results: plot conditioning against depth.")
    var conditioning: String?

    @Option(help: "Output SVG file.")
    var out: String

    static let defaultTitle = "Minimal depth of sampled matrices"

    @Option(help: "Figure title.")
    var title = Plot.defaultTitle

    @Flag(help: "Print a JSON summary.")
    var json = false

    func validate() throws {
        guard (conditioning == nil) != directories.isEmpty else {
            throw ValidationError("give search-k2 directories or --conditioning FILE (not both)")
        }
    }

    func run() throws {
        if let conditioning { return try plotConditioning(conditioning) }
        var stats: [SearchStatistics] = []
        for directory in directories {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory))?.filter { $0.hasSuffix(".stats") } ?? []
            guard !files.isEmpty else { throw fail("\(directory): no search-k2 record (.stats file)", ExitStatus.badInput) }
            var parts: [SearchStatistics] = []
            for name in files.sorted() {
                let path = (directory as NSString).appendingPathComponent(name)
                guard let s = SearchStatistics(contentsOf: path) else {
                    throw fail("\(path): not a search-k2 record (written by an older flowproof, or damaged)", ExitStatus.badInput)
                }
                parts.append(s)
            }
            do { stats += try SearchStatistics.merged(parts).filter { $0.candidates > 0 } } catch {
                throw fail("\(directory): \(error.description)", ExitStatus.badInput)
            }
        }
        guard !stats.isEmpty else { throw fail("no candidates in the given runs", ExitStatus.badInput) }
        stats.sort { $0.d < $1.d }
        let colors: [DepthAnalysis.Outcome: String] = [
            .depth1: "#1b9e77", .depth2: "#7570b3", .depth3: "#d95f02", .numericK2: "#66a61e", .undecided: "#999999",
        ]
        let series = DepthAnalysis.Outcome.allCases.map { outcome in
            SVGChart.Series(
                label: outcome.rawValue, color: colors[outcome]!,
                points: stats.map { (Double($0.d), 100 * Double($0[outcome]) / Double($0.candidates)) })
        }
        let regimes = Set(stats.map(\.regime.rawValue)).sorted().joined(separator: ", ")
        let families = Set(stats.map(\.family.rawValue)).sorted().joined(separator: ", ")
        let chart = SVGChart(
            title: title, xLabel: "d (matrices are 2d×2d); \(families), \(regimes)",
            yLabel: "share of candidates (%)", series: series, yRange: 0...100)
        do { try AtomicFile.write(chart.svg, to: out) } catch { throw fail(error) }
        if json {
            print(
                JSONValue.object([
                    ("command", .string("plot")), ("out", .string(out)),
                    ("points", .int(stats.count)),
                ]).text)
        } else {
            print("wrote \(out) (\(stats.count) values of d)")
        }
    }

    private func plotConditioning(_ path: String) throws {
        let data: Data
        do { data = try InputFile.read(path) } catch { throw fail(error) }
        var byD: [Int: [(depth: Double, condition: Double)]] = [:]
        for (index, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let d = object["d"] as? Int, let depth = object["depth"] as? Int,
                let condition = (object["conditionProduct"] as? NSNumber)?.doubleValue
            else {
                throw fail("\(path):\(index + 1): not a `decompose --arith float --json` result", ExitStatus.badInput)
            }
            byD[d, default: []].append((Double(depth), condition))
        }
        guard !byD.isEmpty else { throw fail("\(path): no results", ExitStatus.badInput) }
        let palette = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02"]
        let series = byD.keys.sorted().enumerated().map { k, d in
            SVGChart.Series(
                label: "d = \(d)", color: palette[k % palette.count],
                points: byD[d]!.sorted { $0.depth < $1.depth }.map { ($0.depth, $0.condition) })
        }
        let chart = SVGChart(
            title: title == Self.defaultTitle ? "Conditioning of binary64 factorizations" : title,
            xLabel: "depth (coupling pairs)", yLabel: "product of layer condition numbers",
            series: series, logY: true)
        do { try AtomicFile.write(chart.svg, to: out) } catch { throw fail(error) }
        if json {
            print(
                JSONValue.object([
                    ("command", .string("plot")), ("out", .string(out)), ("points", .int(byD.values.map(\.count).reduce(0, +))),
                ]).text)
        } else {
            print("wrote \(out) (\(byD.count) curves)")
        }
    }
}
