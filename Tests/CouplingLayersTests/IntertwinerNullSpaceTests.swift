import Testing
@testable import CouplingLayers
import ExactLinearAlgebra

/// The exact depth-2 construction from the intertwiner null space (theory
/// §4.5) for derogatory `T11Δ1 ~ Δ2⁻¹V`, where Krylov bases fail.
@Suite struct IntertwinerNullSpaceTests {
    static func evenPermutations(_ n: Int) -> [[Int]] {
        var result: [[Int]] = []
        func extend(_ p: [Int]) {
            if p.count == n {
                var inversions = 0
                for i in 0..<n { for j in (i + 1)..<n where p[i] > p[j] { inversions += 1 } }
                if inversions % 2 == 0 { result.append(p) }
                return
            }
            for k in 0..<n where !p.contains(k) { extend(p + [k]) }
        }
        extend([])
        return result
    }

    static func permutationMatrix(_ p: [Int]) -> RationalMatrix {
        RationalMatrix(rows: p.count, columns: p.count) { i, j in p[i] == j ? .one : .zero }
    }

    /// d = 3: 13 even permutations proven depth 2 in each regime (7 before
    /// the null-space construction); depth 3: 256 and 238 (234 before
    /// `monomial-cycles` proved the four of `diag(I, 3-cycle)` and
    /// `diag(3-cycle, I)` without the multiplier search).
    @Test(arguments: [(Regime.positive, 256), (Regime.signed, 238)])
    func dThreePermutations(regime: Regime, depthThree: Int) throws {
        var counts = [0, 0, 0, 0]
        for p in Self.evenPermutations(6) {
            let t = Self.permutationMatrix(p)
            let a = try DepthAnalyzer(numeric: false).analyze(t, regime: regime)
            if a.proven { counts[a.upperBound] += 1 }
            if a.proven && a.upperBound == 2 {
                let f = try #require(a.shallowFactorization)
                #expect(f.layers.count == 2 && CouplingPair.product(f.layers) == t)
                #expect(f.layers.allSatisfy { $0.satisfies(regime) })
            }
        }
        #expect(counts[1] == 1)
        #expect(counts[2] == 13)
        #expect(counts[3] == depthThree)
    }

    /// `N-(X)N+(Y)N-(Z)N+(W)·diag(G)` with `YZ = D` derogatory and `ZY ≠ YZ`:
    /// the exact `Δ = G⁻¹` (and a noisy copy of it, snapped) gives a
    /// depth-2 factorization that multiplies back.
    @Test func derogatoryProductOfTwoPairs() throws {
        var rng = SeededGenerator(seed: 5)
        let d = 3
        let i = RationalMatrix.identity(d), o = RationalMatrix.zero(d, d)
        let y = RationalMatrix([[1, 1, 0], [0, 1, 1], [0, 0, 1]])
        let z = try #require(y.inverse()) * .diagonal([1, 1, 2])
        for _ in 0..<5 {
            let x = RationalMatrix(rows: d, columns: d) { _, _ in Rational(rng.int(in: -2...2)) }
            let w = RationalMatrix(rows: d, columns: d) { _, _ in Rational(rng.int(in: -2...2)) }
            let g: [Rational] = (0..<(2 * d)).map { _ in [Rational(1), 2, 4, Rational(1, 2)][rng.int(in: 0...3)] }
            let t = RationalMatrix.blocks(i, o, x, i) * .blocks(i, y, o, i) * .blocks(i, o, z, i) * .blocks(i, w, o, i) * .diagonal(g)
            let delta1 = g[0..<d].map(\.reciprocal), delta2 = g[d...].map(\.reciprocal)
            #expect(Similarity.transform(from: BlockView(t).t11 * .diagonal(delta1), to: .identity(d) + z * y) == nil)
            let prepared = PreparedMatrix(t)
            let product = try #require(DepthTwoConstruction.withScaling(prepared, delta1: delta1, delta2: delta2, regime: .positive))
            #expect(CouplingPair.product(product.couplingPairs()) == t)
            let noisy = NumericDepthTwo.Result(
                residual: 0, delta1: delta1.map { $0.doubleValue + 1e-12 }, delta2: delta2.map { $0.doubleValue - 1e-12 },
                intertwiner: nil, productResidual: nil)
            let f = try #require(try ExactDecomposer().snappedDepthTwo(prepared, regime: .positive, evidence: noisy))
            #expect(f.depth == 2 && CouplingPair.product(f.layers) == t)
        }
    }

    @Test func snapping() {
        #expect(ScalingSnap.snap(0.75 + 3e-9) == Rational(3, 4))
        #expect(ScalingSnap.snap(-1 - 1e-9) == Rational(-1))
        #expect(ScalingSnap.snap(0.2) == nil)
        #expect(ScalingSnap.snap(1 / 3 + 1e-6) == nil)
    }
}
