import Testing
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
        let d = 3
        var rng = SeededGenerator(seed: 41)
        let i = RationalMatrix.identity(d), zero = RationalMatrix.zero(d, d)
        func integer() -> RationalMatrix { RationalMatrix(rows: d, columns: d) { _, _ in Rational(rng.int(in: -3...3)) } }
        func positive() -> [Rational] { (0..<d).map { _ in Rational(rng.int(in: 1...3)) } }
        // T11 = (C1 + D1·A2)·C2 = K·C2 with K of rank d − 1.
        var d1 = integer()
        while d1.determinant.isZero { d1 = integer() }
        var k = integer()
        for j in 0..<d { k[d - 1, j] = k[0, j] + k[1, j] }
        let c1 = positive()
        let a2 = d1.inverse()! * (k - .diagonal(c1))
        var b1 = positive()
        b1[0] = b1[0].negated
        let (a1, b2, c2, d2) = (integer(), positive(), positive(), integer())
        let lower = { (a: RationalMatrix, b: [Rational]) in RationalMatrix.blocks(i, zero, a, .diagonal(b)) }
        let upper = { (c: [Rational], e: RationalMatrix) in RationalMatrix.blocks(.diagonal(c), e, zero, i) }
        let t = lower(a1, b1) * upper(c1, d1) * lower(a2, b2) * upper(c2, d2)
        #expect(BlockView(t).t11.determinant.isZero)
        // T·diag(δ, ε) = N−(A1)N+(·)N−(·)N+(W) with δ = 1/(C1C2), ε = 1/(B1B2), W = C1·D2·diag(ε).
        let delta = (0..<d).map { (c1[$0] * c2[$0]).reciprocal }, epsilon = (0..<d).map { (b1[$0] * b2[$0]).reciprocal }
        let w = RationalMatrix(rows: d, columns: d) { r, c in c1[r] * d2[r, c] * epsilon[c] }
        let solution = FullSystemNumerics.Solution(
            scalings: (delta + epsilon).map(\.doubleValue), x: (a1.entries + w.entries).map(\.doubleValue), productResidual: 0)
        let proof = try #require(FullSystemMembership.prove(t, inverse: t.inverse()!, regime: .signed, solution: solution))
        #expect(throws: Never.self) { try proof.check(t, regime: .signed) }
        #expect(throws: FullSystemMembership.Failure.self) { try proof.check(t, regime: .positive) }
    }
}
