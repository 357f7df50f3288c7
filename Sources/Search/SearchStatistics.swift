import CouplingLayers
import Foundation

/// The record of one search-k2 run (or the merge of a whole set of
/// shards): its parameters, which shard it covers, whether it finished,
/// the counts per outcome and the certificates it wrote.
///
/// A run writes its record with `complete: false` before anything else, so
/// an interrupted run is recognisable, and again at the end.
public struct SearchStatistics: Equatable, Sendable {
    public var d: Int
    public var regime: Regime
    public var family: CandidateFamily
    public var seed: UInt64 = 0
    /// `--count` and `--max-candidates` (0 for enumerated families, which ignore them).
    public var count = 0
    public var maxCandidates = 0
    public var numeric = true
    public var shardIndex = 0
    public var shardCount = 1
    public var complete = false
    public var candidates = 0
    public var counts: [DepthAnalysis.Outcome: Int] = [:]
    public var counterexamplesWritten = 0
    /// Certificate file names written by this run (sorted).
    public var files: [String] = []
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

    /// Whether two records come from the same search (all parameters but the shard index).
    public func isSameSearch(as other: SearchStatistics) -> Bool {
        d == other.d && regime == other.regime && family == other.family && seed == other.seed && count == other.count
            && maxCandidates == other.maxCandidates && numeric == other.numeric && shardCount == other.shardCount
    }

    /// The record's file name: one per run, so runs with other parameters
    /// can share a directory without overwriting each other's record.
    public var fileName: String {
        let shard = shardCount == 1 ? "" : "-shard\(shardIndex)of\(shardCount)"
        return "search-k2-\(regime.rawValue)-d\(d)-\(family.rawValue)-seed\(seed)\(shard).stats"
    }

    public struct MergeError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Combines complete records into one per search, each the sum of all
    /// `shardCount` shards of that search, given exactly once.
    public static func merged(_ parts: [SearchStatistics]) throws(MergeError) -> [SearchStatistics] {
        var groups: [[SearchStatistics]] = []
        for p in parts {
            guard p.complete else { throw MergeError(description: "\(p.fileName): the run did not finish (complete: false)") }
            if let g = groups.firstIndex(where: { $0[0].isSameSearch(as: p) }) { groups[g].append(p) } else { groups.append([p]) }
        }
        var out: [SearchStatistics] = []
        for group in groups {
            let first = group[0]
            let indices = group.map(\.shardIndex)
            if let repeated = indices.first(where: { i in indices.filter { $0 == i }.count > 1 }) {
                throw MergeError(description: "shard \(repeated)/\(first.shardCount) of \(first.fileName) is given more than once")
            }
            if let missing = (0..<first.shardCount).first(where: { !indices.contains($0) }) {
                throw MergeError(description: "shard \(missing)/\(first.shardCount) of \(first.fileName) is missing")
            }
            var total = first
            total.shardIndex = 0
            total.shardCount = 1
            total.files = Array(Set(group.flatMap(\.files))).sorted()
            total.counterexamplesWritten = total.files.count
            total.seconds = group.map(\.seconds).reduce(0, +)
            func sum(_ values: [Int]) throws(MergeError) -> Int {
                var s = 0
                for v in values {
                    let (next, overflow) = s.addingReportingOverflow(v)
                    guard !overflow, v >= 0 else { throw MergeError(description: "counts out of range in \(first.fileName)") }
                    s = next
                }
                return s
            }
            total.candidates = try sum(group.map(\.candidates))
            for outcome in DepthAnalysis.Outcome.allCases { total.counts[outcome] = try sum(group.map { $0[outcome] }) }
            out.append(total)
        }
        return out
    }

    /// Stable keys for JSON (`stats.json` and `--json`).
    public static let outcomeKeys: [(DepthAnalysis.Outcome, String)] = [
        (.depth1, "provenDepth1"), (.depth2, "provenDepth2"), (.depth3, "provenDepth3"),
        (.numericK2, "numericK2"), (.undecided, "undecided"),
    ]

    public var jsonObject: [String: Any] {
        var object: [String: Any] = [
            "d": d, "regime": regime.rawValue, "family": family.rawValue, "seed": String(seed),
            "count": count, "maxCandidates": maxCandidates, "numeric": numeric,
            "shardIndex": shardIndex, "shardCount": shardCount, "complete": complete,
            "candidates": candidates, "counterexamplesWritten": counterexamplesWritten, "files": files,
            "seconds": (seconds * 1000).rounded() / 1000,
        ]
        for (outcome, key) in Self.outcomeKeys { object[key] = self[outcome] }
        return object
    }

    public init?(jsonObject o: [String: Any]) {
        func int(_ key: String) -> Int? {
            // JSON integers only (objCType "c" is a boolean, "d" a fraction or exponent).
            guard let n = o[key] as? NSNumber, "silqSILQ".contains(String(cString: n.objCType)) else { return nil }
            return n.intValue
        }
        guard let d = int("d"), let r = (o["regime"] as? String).flatMap(Regime.init(rawValue:)),
            let f = (o["family"] as? String).flatMap(CandidateFamily.init(rawValue:)),
            let seed = (o["seed"] as? String).flatMap(UInt64.init), let count = int("count"),
            let maxCandidates = int("maxCandidates"), let numeric = o["numeric"] as? Bool,
            let shardIndex = int("shardIndex"), let shardCount = int("shardCount"), shardCount >= 1,
            (0..<shardCount).contains(shardIndex), let complete = o["complete"] as? Bool,
            let candidates = int("candidates"), let files = o["files"] as? [String]
        else { return nil }
        self.init(d: d, regime: r, family: f)
        self.seed = seed; self.count = count; self.maxCandidates = maxCandidates; self.numeric = numeric
        self.shardIndex = shardIndex; self.shardCount = shardCount; self.complete = complete
        self.candidates = candidates
        self.files = files
        counterexamplesWritten = int("counterexamplesWritten") ?? files.count
        seconds = (o["seconds"] as? NSNumber)?.doubleValue ?? 0
        for (outcome, key) in Self.outcomeKeys {
            guard let v = int(key) else { return nil }
            counts[outcome] = v
        }
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
        return label.padding(toLength: 26, withPad: " ", startingAt: 0) + String(format: " %10d", value)
            + (label == "candidates" ? "" : share)
    }
}

extension SearchStatistics {
    /// The `.stats` file a search-k2 run writes (JSON), or `nil` if `path`
    /// is not one.
    public init?(contentsOf path: String) {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        self.init(fileText: String(decoding: data, as: UTF8.self))
    }

    public init?(fileText: String) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(fileText.utf8)) as? [String: Any] else { return nil }
        self.init(jsonObject: object)
    }

    /// The `.stats` file text: sorted keys, pretty-printed, trailing newline.
    public var fileText: String {
        let data = try! JSONSerialization.data(withJSONObject: jsonObject, options: [.sortedKeys, .prettyPrinted])
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
