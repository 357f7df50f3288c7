import Testing
import CouplingLayers
import ExactLinearAlgebra

@Suite struct DepthAnalysisTests {
    static func randomPair(_ d: Int, _ regime: Regime, _ rng: inout SeededGenerator) -> CouplingPair {
        func entry() -> Rational { Rational(rng.int(in: -4...4), rng.int(in: 1...3)) }
        func diagonal() -> Rational {
            let x = Rational(rng.int(in: 1...5), rng.int(in: 1...3))
            return regime == .signed && rng.next() % 2 == 0 ? -x : x
        }
        return CouplingPair(
            A: RationalMatrix(rows: d, columns: d) { _, _ in entry() }, B: (0..<d).map { _ in diagonal() },
            C: (0..<d).map { _ in diagonal() }, D: RationalMatrix(rows: d, columns: d) { _, _ in entry() })
    }

    /// Products of two pairs are in K_2: a lower bound of 3 would be false.
    @Test(arguments: Regime.allCases)
    func productsOfTwoPairsNeverGetALowerBoundOfThree(regime: Regime) throws {
        var rng = SeededGenerator(seed: 31)
        var checked = 0
        for d in 1...4 {
            for _ in 0..<(d <= 2 ? 60 : 25) {
                let t = CouplingPair.product([Self.randomPair(d, regime, &rng), Self.randomPair(d, regime, &rng)])
                guard t.determinant.sign > 0 else { continue }  // signed products may have det < 0
                let analysis = try DepthAnalyzer(seed: 1, numeric: false).analyze(t, regime: regime)
                #expect(analysis.lowerBound <= 2)
                #expect(LowerBounds.witness(for: PreparedMatrix(t), regime: regime) == nil)
                checked += 1
            }
        }
        #expect(checked > 60)
    }

    /// T11 = 0 products (Y Z = −I) exercise the exact linear program.
    @Test func t11ZeroProductsAreProvenDepthTwo() throws {
        var rng = SeededGenerator(seed: 8)
        for d in 2...4 {
            // [I 0; X I][I Y; 0 I][I 0; −Y⁻¹ I][I W; 0 I] · positive diagonal: T11 = 0.
            let y = RationalMatrix(rows: d, columns: d) { i, j in i == j ? Rational(rng.int(in: 1...3)) : Rational(rng.int(in: -2...2)) }
            guard let yInverse = y.inverse() else { continue }
            let x = RationalMatrix(rows: d, columns: d) { _, _ in Rational(rng.int(in: -2...2)) }
            let w = RationalMatrix(rows: d, columns: d) { _, _ in Rational(rng.int(in: -2...2)) }
            let i = RationalMatrix.identity(d), z = RationalMatrix.zero(d, d)
            let t =
                RationalMatrix.blocks(i, z, x, i) * .blocks(i, y, z, i) * .blocks(i, z, -yInverse, i) * .blocks(i, w, z, i)
                * .diagonal((0..<(2 * d)).map { _ in Rational(rng.int(in: 1...4)) })
            #expect(BlockView(t).t11.isZero)
            let analysis = try DepthAnalyzer(numeric: false).analyze(t, regime: .positive)
            #expect(analysis.proven && analysis.upperBound == 2)
        }
    }

    @Test func namedCounterexamplesAreProvenDepthThree() throws {
        for d in 2...6 {
            for regime in Regime.allCases {
                let a = try DepthAnalyzer(numeric: false).analyze(Fixtures.zeroCorner(d), regime: regime)
                #expect(a.proven && a.lowerBound == 3, "zero corner d=\(d) \(regime)")
            }
            if d % 2 == 0 {
                let swap = try DepthAnalyzer(numeric: false).analyze(Fixtures.swap(d), regime: .positive)
                #expect(swap.proven && swap.lowerBound == 3)
                let twoI = try DepthAnalyzer(numeric: false).analyze(Fixtures.twoIdentity(d), regime: .positive)
                #expect(twoI.witness == .principalMinors(j: 1, sign: .plus))
            }
        }
    }

    /// `[I 0; X I]` on the left, `[I Y; 0 I]` on the right and positive
    /// diagonals keep the minimal depth and the witness type.
    @Test func disguisedCounterexamplesStayProven() throws {
        var rng = SeededGenerator(seed: 12)
        for d in 2...5 {
            for base in [Fixtures.zeroCorner(d), Fixtures.twoIdentity(d)] where base.determinant.sign > 0 {
                let i = RationalMatrix.identity(d), z = RationalMatrix.zero(d, d)
                let x = RationalMatrix(rows: d, columns: d) { _, _ in Rational(rng.int(in: -3...3)) }
                let y = RationalMatrix(rows: d, columns: d) { _, _ in Rational(rng.int(in: -3...3)) }
                let p = RationalMatrix.diagonal((0..<(2 * d)).map { _ in Rational(rng.int(in: 1...5), rng.int(in: 1...5)) })
                let q = RationalMatrix.diagonal((0..<(2 * d)).map { _ in Rational(rng.int(in: 1...5), rng.int(in: 1...5)) })
                let t = p * .blocks(i, z, x, i) * base * .blocks(i, y, z, i) * q
                let a = try DepthAnalyzer(numeric: false).analyze(t, regime: .positive)
                #expect(a.proven && a.lowerBound == 3, "d=\(d)")
            }
        }
    }

    /// `factorization` resumes `decompose` after the analysis's depth-1/2
    /// attempts; the generator state it resumes from must give the same layers.
    @Test(arguments: Regime.allCases)
    func resumedDepthThreeEqualsDecompose(regime: Regime) throws {
        var rng = SeededGenerator(seed: 5)
        let inputs = [Fixtures.swap(2), Fixtures.zeroCorner(3)] + [3, 5, 10].map { Fixtures.randomInteger($0 * 2, rng: &rng) }
        for t in inputs {
            let analyzer = DepthAnalyzer(seed: 7, numeric: false)
            let analysis = try analyzer.analyze(t, regime: regime)
            guard analysis.shallowFactorization == nil else { continue }
            let resumed = try analyzer.factorization(of: t, regime: regime, analysis: analysis)
            let direct = try ExactDecomposer(seed: 7).decompose(t, regime: regime)
            #expect(resumed.layers == direct.layers && resumed.method == direct.method, "\(t.rows)")
        }
    }

    @Test func exactLinearProgramFindsPointsAndDetectsInfeasibility() {
        // x1 + x2 = 1, x1 − x2 = 0 → (1/2, 1/2).
        let a = RationalMatrix([[1, 1], [1, -1]])
        #expect(ExactLinearProgram.feasiblePoint(a, [1, 0]) == [Rational(1, 2), Rational(1, 2)])
        // x1 + x2 = −1 has no nonnegative solution.
        #expect(ExactLinearProgram.feasiblePoint(RationalMatrix([[1, 1]]), [-1]) == nil)
    }
}
