import Testing
import Certificates
import CouplingLayers
import ExactLinearAlgebra
@testable import Search

@Suite struct SearchTests {
    @Test(arguments: Regime.allCases)
    func structuredSearchCertifiesDistinctCounterexamples(regime: Regime) throws {
        let search = CounterexampleSearch(d: 4, regime: regime, family: .structured, seed: 7, numeric: false)
        let (stats, found) = try search.run(count: 10, maxCandidates: 2000) { _ in }
        #expect(found.count == 10)
        #expect(Set(found.map(\.fileName)).count == 10)
        #expect(stats.counterexamplesWritten == 10)
        for c in found {
            #expect(CertificateVerifier.verify(json: c.certificate.jsonText).isAccepted)
        }
    }

    @Test func sameSeedSameCertificates() throws {
        let run = { () throws -> [String] in
            try CounterexampleSearch(d: 3, regime: .positive, family: .structured, seed: 5, numeric: false)
                .run(count: 4, maxCandidates: 500) { _ in }.1.map(\.certificate.jsonText)
        }
        #expect(try run() == run())
    }

    @Test func permutationShardsPartitionTheCandidates() throws {
        let whole = try CounterexampleSearch(d: 2, regime: .positive, family: .permutations, seed: 0, numeric: false)
            .run(count: 1, maxCandidates: 0) { _ in }
        #expect(whole.0.candidates == 12)  // 4!/2 even permutations
        var parts: [SearchStatistics] = []
        var names: [String] = []
        for shard in 0..<3 {
            let (s, f) = try CounterexampleSearch(
                d: 2, regime: .positive, family: .permutations, seed: 0,
                shardIndex: shard, shardCount: 3, numeric: false
            )
            .run(count: 1, maxCandidates: 0) { _ in }
            parts.append(s)
            names += f.map(\.fileName)
        }
        let merged = try #require(try SearchStatistics.merged(parts).first)
        #expect(merged.candidates == whole.0.candidates)
        #expect(merged[.depth3] == whole.0[.depth3])
        #expect(merged.files == whole.0.files)
        #expect(merged.fileName == whole.0.fileName)
        #expect(Set(names) == Set(whole.1.map(\.fileName)))
        // A repeated shard, a missing one, an unfinished run and counts past Int.max are refused.
        #expect(throws: SearchStatistics.MergeError.self) { try SearchStatistics.merged([parts[0], parts[0], parts[1], parts[2]]) }
        #expect(throws: SearchStatistics.MergeError.self) { try SearchStatistics.merged([parts[0], parts[2]]) }
        var unfinished = parts[1]
        unfinished.complete = false
        #expect(throws: SearchStatistics.MergeError.self) { try SearchStatistics.merged([parts[0], unfinished, parts[2]]) }
        var huge = parts[1]
        huge.candidates = Int.max
        #expect(throws: SearchStatistics.MergeError.self) { try SearchStatistics.merged([parts[0], huge, parts[2]]) }
        // Records round-trip through their file text.
        for p in parts { #expect(SearchStatistics(fileText: p.fileText)?.fileText == p.fileText) }
    }

    /// d = 1 has no principal-minor pattern: the structured family used to loop forever.
    @Test func structuredFamilyTerminatesAtDOne() throws {
        let (stats, _) = try CounterexampleSearch(d: 1, regime: .positive, family: .structured, seed: 0, numeric: false)
            .run(count: 1, maxCandidates: 50) { _ in }
        #expect(stats.candidates == 50)
        #expect(stats.complete)
    }

    @Test func permutationEnumerationIsABijection() {
        let all = (0..<PermutationEnumeration.count(5)).map { PermutationEnumeration.permutation(rank: $0, size: 5) }
        #expect(Set(all.map { $0.description }).count == 120)
        #expect(all.filter(PermutationEnumeration.isEven).count == 60)
    }
}
