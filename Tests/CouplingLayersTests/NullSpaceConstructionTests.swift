import ExactLinearAlgebra
import Testing
import TestFixtures

@testable import CouplingLayers

@Suite struct NullSpaceConstructionTests {
    /// With the scalings a product of two pairs was built with, the linear
    /// construction factors it exactly, including the corank-3 `d = 6`
    /// products on which no Krawczyk box contracts.
    @Test(arguments: [(3, 1), (4, 2), (5, 1), (6, 3), (8, 2)])
    func theKnownScalingsGiveAFactorization(d: Int, corank: Int) throws {
        var rng = SeededGenerator(seed: UInt64(90 + d))
        let (t, scalings, _, _) = SharedFixtures.singularProduct(d, corank: corank, rng: &rng)
        #expect(BlockView(t).t11.rank == d - corank)
        let product = try #require(
            NullSpaceConstruction.factor(
                t, inverse: t.inverse()!, delta1: Array(scalings[0..<d]), delta2: Array(scalings[d...]), regime: .positive))
        let layers = product.couplingPairs()
        #expect(layers.count == 2 && layers.allSatisfy { $0.satisfies(.positive) })
        #expect(CouplingPair.productEquals(layers, t))
    }

    /// Scalings that admit no factorization give nil, not a wrong product:
    /// `det(TΔ) = 2` (a unipotent product has determinant 1), and the right
    /// scalings in a regime they violate.
    @Test func wrongScalingsGiveNothing() throws {
        var rng = SeededGenerator(seed: 96)
        let (t, scalings, _, _) = SharedFixtures.singularProduct(6, corank: 3, rng: &rng)
        let inverse = t.inverse()!
        var doubled = Array(scalings[0..<6])
        doubled[0] = doubled[0] * 2
        #expect(NullSpaceConstruction.factor(t, inverse: inverse, delta1: doubled, delta2: Array(scalings[6...]), regime: .positive) == nil)
        var negative = Array(scalings[6...])
        negative[1] = -negative[1]
        negative[2] = -negative[2]
        #expect(
            NullSpaceConstruction.factor(t, inverse: inverse, delta1: Array(scalings[0..<6]), delta2: negative, regime: .positive) == nil)
    }

    /// Binary64 scalings moved along the symmetry `δ → tδ, γ → γ/t` by an
    /// irrational `t` are snapped back to the rational ones normalized by
    /// `δ_0`; a determinant that does not match leaves no candidate.
    @Test func scalingCandidatesUndoTheSymmetry() throws {
        var rng = SeededGenerator(seed: 97)
        let d = 4
        let (t, scalings, _, _) = SharedFixtures.singularProduct(d, corank: 1, rng: &rng)
        let moved = scalings.enumerated().map { k, s in k < d ? s.doubleValue * 2.0.squareRoot() : s.doubleValue / 2.0.squareRoot() }
        let determinant = t.determinant
        let candidates = NullSpaceConstruction.scalingCandidates(moved, determinant: determinant)
        let normalized = (scalings[0..<d].map { $0 / scalings[0] }, scalings[d...].map { $0 * scalings[0] })
        #expect(candidates.contains { $0.0 == normalized.0 && $0.1 == normalized.1 })
        #expect(candidates.allSatisfy { ($0.0 + $0.1).reduce(determinant, *) == .one })
        #expect(NullSpaceConstruction.scalingCandidates(moved, determinant: determinant * 2).isEmpty)
    }

    /// `depth` on a corank-3 `d = 6` product, where no Krawczyk box
    /// contracts: proven depth 2 by an exact factorization.
    @Test func depthAnalysisProvesCorankThreeProducts() throws {
        var rng = SeededGenerator(seed: 98)
        let (t, _, _, _) = SharedFixtures.singularProduct(6, corank: 3, rng: &rng)
        let analysis = try DepthAnalyzer(seed: 0).analyze(t, regime: .positive)
        #expect(analysis.proven && analysis.upperBound == 2)
        #expect(analysis.membership == nil)
        let exact = try #require(analysis.shallowFactorization)
        #expect(CouplingPair.productEquals(exact.layers, t))
    }
}
