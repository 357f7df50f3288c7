import Certificates
import CouplingLayers
import ExactLinearAlgebra
import Foundation

/// A search that could not certify what it found: always a flowproof bug,
/// never a property of the input.
public struct SearchError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// A certified counterexample to depth 2: a `depth` certificate with
/// `depth: 3`, already re-checked by the certificate verifier.
public struct Counterexample: Sendable {
    public let certificate: Certificate
    /// File name derived from the matrix (so shards and merges never clash
    /// and the same matrix is never stored twice).
    public let fileName: String
}

/// Generates candidates, decides each, and certifies every counterexample.
///
/// ```swift
/// var search = CounterexampleSearch(d: 4, regime: .positive, family: .structured, seed: 7)
/// let (stats, found) = try search.run(count: 10) { _ in }
/// for c in found { try c.certificate.write(to: "out/" + c.fileName) }
/// ```
public struct CounterexampleSearch: Sendable {
    public let d: Int
    public let regime: Regime
    public let family: CandidateFamily
    public let seed: UInt64
    /// This run covers candidates with `index % shardCount == shardIndex`.
    public let shardIndex: Int
    public let shardCount: Int
    /// Numerical evidence for the undecided (costs most of the time).
    public let numeric: Bool

    public init(
        d: Int, regime: Regime, family: CandidateFamily, seed: UInt64,
        shardIndex: Int = 0, shardCount: Int = 1, numeric: Bool = true
    ) {
        self.d = d; self.regime = regime; self.family = family; self.seed = seed
        self.shardIndex = shardIndex; self.shardCount = shardCount; self.numeric = numeric
    }

    /// Total candidates in this shard for enumerated families.
    public var enumeratedCount: Int? {
        guard family.isEnumerated else { return nil }
        let total = PermutationEnumeration.count(2 * d)
        return (total - shardIndex + shardCount - 1) / shardCount
    }

    /// The run's record before it starts: parameters, shard, `complete: false`.
    public func record(count: Int, maxCandidates: Int) -> SearchStatistics {
        var stats = SearchStatistics(d: d, regime: regime, family: family)
        stats.seed = seed
        stats.count = family.isEnumerated ? 0 : count
        stats.maxCandidates = family.isEnumerated ? 0 : maxCandidates
        stats.numeric = numeric
        stats.shardIndex = shardIndex
        stats.shardCount = shardCount
        return stats
    }

    /// Runs until `count` counterexamples are certified or `maxCandidates`
    /// candidates are decided (sampled families), or through the whole
    /// shard (enumerated families, where `count` is ignored).
    public func run(
        count: Int, maxCandidates: Int,
        progress: (SearchStatistics) -> Void
    ) throws(SearchError) -> (SearchStatistics, [Counterexample]) {
        let start = Date()
        var stats = record(count: count, maxCandidates: maxCandidates)
        var found: [Counterexample] = []
        var seen = Set<String>()
        let analyzer = DepthAnalyzer(seed: seed, numeric: numeric)

        func consider(_ t: RationalMatrix) throws(SearchError) {
            guard let analysis = try? analyzer.analyze(t, regime: regime) else { return }
            stats.record(analysis.outcome)
            guard analysis.outcome == .depth3, let witness = analysis.witness else { return }
            let name = Self.fileName(t, regime: regime)
            guard seen.insert(name).inserted else { return }
            let layers: [CouplingPair]
            do { layers = try analyzer.factorization(of: t, regime: regime, analysis: analysis).layers } catch {
                throw SearchError("internal error while factoring a counterexample: \(error)")
            }
            let certificate = Certificate(
                regime: regime, matrix: t, claim: .depth(layers: layers, witness: witness),
                provenance: Provenance(family: family.rawValue, seed: seed))
            // Nothing is reported that the verifier does not accept.
            do { _ = try CertificateVerifier.check(certificate) } catch {
                throw SearchError("internal error: a counterexample certificate does not verify: \(error.message)")
            }
            found.append(Counterexample(certificate: certificate, fileName: name))
        }

        if family.isEnumerated {
            let n = 2 * d
            var rank = shardIndex
            while rank < PermutationEnumeration.count(n) {
                let p = PermutationEnumeration.permutation(rank: rank, size: n)
                if PermutationEnumeration.isEven(p) { try consider(PermutationEnumeration.matrix(p)) }
                rank += shardCount
                if rank % 512 < shardCount { stats.seconds = Date().timeIntervalSince(start); progress(stats) }
            }
        } else {
            // Each shard draws from its own stream; shard 0 of 1 is the plain seed.
            var sampler = CandidateSampler(
                d: d, regime: regime, family: family,
                seed: seed &+ UInt64(shardIndex) &* 0x9E37_79B9_7F4A_7C15)
            while found.count < count && stats.candidates < maxCandidates {
                try consider(sampler.next())
                stats.seconds = Date().timeIntervalSince(start)
                progress(stats)
            }
        }
        stats.seconds = Date().timeIntervalSince(start)
        stats.counterexamplesWritten = found.count
        stats.files = found.map(\.fileName).sorted()
        stats.complete = true
        return (stats, found)
    }

    /// `<regime>-d<d>-<16 hex digits of FNV-1a over the canonical matrix>.json`.
    public static func fileName(_ t: RationalMatrix, regime: Regime) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in t.description.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        let hex = String(hash, radix: 16)
        return "\(regime.rawValue)-d\(t.rows / 2)-\(String(repeating: "0", count: 16 - hex.count) + hex).json"
    }
}
