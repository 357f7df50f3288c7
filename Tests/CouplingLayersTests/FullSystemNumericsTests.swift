import Testing
import CouplingLayers
import ExactLinearAlgebra

@Suite struct FullSystemNumericsTests {
    /// `N−(X)N+(Y)N−(Z)N+(W)·Δ⁻¹` with `I + YZ` singular: in K_2(positive)
    /// with singular `T11`, so the evidence must come from the full system
    /// and be small. (At d = 3 the same construction crawls to 1e-5: the
    /// full system converges only from lucky starts, theory §4.6.)
    @Test func singularT11ProductsOfTwoPairsAreFoundNumerically() throws {
        var rng = SeededGenerator(seed: 12)
        for d in 2...2 {
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
            #expect(result.evidence < NumericDepthTwo.tolerance, "d = \(d): \(result.evidence)")
        }
    }
}
