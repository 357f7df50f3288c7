import Testing
import TestFixtures
@testable import CouplingLayers
import ExactLinearAlgebra

@Suite struct FullSystemNumericsTests {
    /// `N−(X)N+(Y)N−(Z)N+(W)·Δ⁻¹` with `I + YZ` singular: in K_2(positive)
    /// with singular `T11`, so the intertwiner system does not apply; the
    /// full system finds a solution and proves membership
    /// (`FullSystemMembership`). The search on the four blocks `X, Y, Z, W`
    /// used before crawled to 1e-5 at d = 3 and proved nothing.
    @Test func singularT11ProductsOfTwoPairsAreProven() throws {
        var rng = SeededGenerator(seed: 12)
        for d in 2...4 {
            let i = RationalMatrix.identity(d), zero = RationalMatrix.zero(d, d)
            func random() -> RationalMatrix {
                RationalMatrix(rows: d, columns: d) { _, _ in Rational(rng.int(in: -3...3), rng.int(in: 1...2)) }
            }
            let (x, w) = (random(), random())
            // Y = I and Z = −diag(1, z2, …): I + YZ = diag(0, 1 − z2, …).
            let z = RationalMatrix.diagonal((0..<d).map { $0 == 0 ? -.one : Rational(rng.int(in: 2...5)) })
            let scaling = RationalMatrix.diagonal((0..<(2 * d)).map { _ in Rational(1, rng.int(in: 1...3)) })
            let t =
                RationalMatrix.blocks(i, zero, x, i) * .blocks(i, i, zero, i) * .blocks(i, zero, z, i) * .blocks(i, w, zero, i) * scaling
            #expect(BlockView(t).t11.determinant.isZero)
            let result = try #require(NumericDepthTwo.search(PreparedMatrix(t), regime: .positive, seed: 3))
            #expect(result.productResidual != nil)
            #expect(result.evidence < 1e-8, "d = \(d): \(result.evidence)")
            guard case .fullSystem(let proof) = try #require(result.proof, "d = \(d)") else {
                Issue.record("d = \(d): expected a full-system proof")
                continue
            }
            #expect(throws: Never.self) { try proof.check(t, regime: .positive) }
        }
    }

    /// The box around a known solution with a negative scaling (a pair with
    /// a negative `B` entry): accepted in the signed regime, rejected in the
    /// positive one, where the diagonal `M1[0][0] = 1/ε_0` must be `> 0`.
    @Test func aNegativeScalingIsRejectedInThePositiveRegime() throws {
        var rng = SeededGenerator(seed: 41)
        let (t, scalings, x, w) = SharedFixtures.singularProduct(3, negativeB: true, rng: &rng)
        #expect(BlockView(t).t11.determinant.isZero)
        let solution = FullSystemNumerics.Solution(
            scalings: scalings.map(\.doubleValue), x: (x.entries + w.entries).map(\.doubleValue), productResidual: 0)
        let proof = try #require(FullSystemMembership.prove(t, inverse: t.inverse()!, regime: .signed, solution: solution))
        #expect(throws: Never.self) { try proof.check(t, regime: .signed) }
        #expect(throws: FullSystemMembership.Failure.self) { try proof.check(t, regime: .positive) }
    }

    /// Terms beyond binary64 (a candidate center far out) give no radius
    /// instead of trapping in `Int(log2(∞))`: the search hands every
    /// solution it finds to the prover, good or not.
    @Test func overflowingTermsGiveNoRadius() {
        let huge = Rational.powerOfTwo(2000), small = Rational(1, 1024)
        #expect(KrawczykInclusion.radiusExponent(.init(g: [huge], c: [small], q: [small])) == nil)
        #expect(KrawczykInclusion.radiusExponent(.init(g: [small], c: [huge], q: [small])) == nil)
        #expect(KrawczykInclusion.radiusExponent(.init(g: [small], c: [small], q: [small])) != nil)
    }
}
