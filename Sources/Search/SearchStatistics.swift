import CouplingLayers
import Foundation

/// Counts per outcome for one search (or the merge of several shards).
public struct SearchStatistics: Equatable, Sendable {
    public var d: Int
    public var regime: Regime
    public var family: CandidateFamily
    public var candidates = 0
    public var counts: [DepthAnalysis.Outcome: Int] = [:]
    public var counterexamplesWritten = 0
    public var seconds = 0.0

    public init(d: Int, regime: Regime, family: CandidateFamily) {
        self.d = d; self.regime = regime; self.family = family
    }

    public subscript(outcome: DepthAnalysis.Outcome) -> Int { counts[outcome, default: 0] }

    public var rate: Double { seconds > 0 ? Double(candidates) / seconds : 0 }

    mutating func record(_ outcome: DepthAnalysis.Outcome) {
        candidates += 1
        counts[outcome, default: 0] += 1
    }

    /// Sums shards of the same search; `nil` if they describe different searches.
    public static func merged(_ parts: [SearchStatistics]) -> SearchStatistics? {
        guard let first = parts.first,
              parts.allSatisfy({ $0.d == first.d && $0.regime == first.regime && $0.family == first.family }) else { return nil }
        var total = SearchStatistics(d: first.d, regime: first.regime, family: first.family)
        for p in parts {
            total.candidates += p.candidates
            total.counterexamplesWritten += p.counterexamplesWritten
            total.seconds += p.seconds
            for (k, v) in p.counts { total.counts[k, default: 0] += v }
        }
        return total
    }

    /// Stable keys for JSON (`stats.json` and `--json`).
    public static let outcomeKeys: [(DepthAnalysis.Outcome, String)] = [
        (.depth1, "provenDepth1"), (.depth2, "provenDepth2"), (.depth3, "provenDepth3"),
        (.numericK2, "numericK2"), (.undecided, "undecided"),
    ]

    public var jsonObject: [String: Any] {
        var object: [String: Any] = [
            "d": d, "regime": regime.rawValue, "family": family.rawValue,
            "candidates": candidates, "counterexamplesWritten": counterexamplesWritten,
            "seconds": (seconds * 1000).rounded() / 1000,
        ]
        for (outcome, key) in Self.outcomeKeys { object[key] = self[outcome] }
        return object
    }

    public init?(jsonObject o: [String: Any]) {
        guard let d = o["d"] as? Int, let r = (o["regime"] as? String).flatMap(Regime.init(rawValue:)),
              let f = (o["family"] as? String).flatMap(CandidateFamily.init(rawValue:)),
              let candidates = o["candidates"] as? Int else { return nil }
        self.init(d: d, regime: r, family: f)
        self.candidates = candidates
        counterexamplesWritten = o["counterexamplesWritten"] as? Int ?? 0
        seconds = (o["seconds"] as? NSNumber)?.doubleValue ?? 0
        for (outcome, key) in Self.outcomeKeys { counts[outcome] = o[key] as? Int ?? 0 }
    }

    /// A plain-text table, one row per outcome.
    public var table: String {
        var lines = ["search-k2  d=\(d)  regime=\(regime.rawValue)  family=\(family.rawValue)"]
        lines.append(pad("candidates", candidates))
        for outcome in DepthAnalysis.Outcome.allCases { lines.append(pad(outcome.rawValue, self[outcome])) }
        lines.append(pad("counterexamples written", counterexamplesWritten))
        lines.append(String(format: "%-26@ %10.1f", "decisions per second" as NSString, rate))
        return lines.joined(separator: "\n")
    }

    private func pad(_ label: String, _ value: Int) -> String {
        let share = candidates > 0 ? String(format: "  %6.2f%%", 100 * Double(value) / Double(candidates)) : ""
        return label.padding(toLength: 26, withPad: " ", startingAt: 0) + String(format: " %10d", value) + (label == "candidates" ? "" : share)
    }
}

extension SearchStatistics {
    /// The `.stats` file a search-k2 run writes (JSON), or `nil` if `path`
    /// is not one.
    public init?(contentsOf path: String) {
        guard let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        self.init(jsonObject: object)
    }

    /// The `.stats` file text: sorted keys, pretty-printed, trailing newline.
    public var fileText: String {
        let data = try! JSONSerialization.data(withJSONObject: jsonObject, options: [.sortedKeys, .prettyPrinted])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
