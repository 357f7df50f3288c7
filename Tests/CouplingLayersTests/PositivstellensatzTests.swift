import Testing
import CouplingLayers
import ExactLinearAlgebra

@Suite struct PositivstellensatzTests {
    /// A Gaussian matrix on the 2^-10 grid (d = 3) with no sign or monomial
    /// witness and no positive numerical solution of the depth-2 equations.
    static let undecidedBySigns: RationalMatrix = {
        let rows = [
            "-0.0888671875 -0.3720703125 -0.7275390625 1.8271484375 -0.7841796875 0.0390625",
            "-1.4501953125 0.076171875 0.79296875 0.5 0.703125 0.9228515625",
            "0.8740234375 -0.0576171875 -2.1044921875 -0.78125 0.3349609375 -0.4912109375",
            "0.6640625 0.7763671875 0.02734375 1.859375 -0.9951171875 0.9111328125",
            "-0.4921875 -0.80078125 0.568359375 -0.6357421875 0.8388671875 -1.1865234375",
            "0.015625 -0.86328125 -0.2548828125 -0.3916015625 -1.1484375 0.63671875",
        ]
        return RationalMatrix(rows.map { $0.split(separator: " ").map { try! Rational(parsing: String($0)) } })
    }()

    static func blocks(_ t: RationalMatrix) -> (t11: RationalMatrix, v: RationalMatrix) {
        let d = t.rows / 2
        return (BlockView(t).t11, t.inverse()!.block(rows: d..<(2 * d), columns: d..<(2 * d)))
    }

    /// The verifier's criterion: `σ` nonzero with every coefficient `> 0` once zeros are dropped.
    static func proves(_ terms: [PositivstellensatzTerm], t11: RationalMatrix, v: RationalMatrix) -> Bool {
        let sigma = CharPolyPositivstellensatz.combination(terms, t11: t11, v: v)
        return !sigma.isEmpty && sigma.values.allSatisfy { $0.sign > 0 }
    }

    @Test func findsMultipliersWhereNoSignWitnessExists() throws {
        let t = Self.undecidedBySigns
        #expect(LowerBounds.witness(for: PreparedMatrix(t), regime: .positive) == nil)
        let (t11, v) = Self.blocks(t)
        let terms = try #require(CharPolyPositivstellensatz.search(t11: t11, v: v, regime: .positive))
        #expect(CharPolyPositivstellensatz.budgetViolation(terms, d: 3) == nil)
        #expect(Self.proves(terms, t11: t11, v: v))
        // Coefficients are integers with gcd 1, so the certificate is as short as its support allows.
        #expect(terms.allSatisfy { $0.coefficient.isInteger })
        let analysis = try DepthAnalyzer(seed: 0).analyze(t, regime: .positive)
        #expect(analysis.proven && analysis.lowerBound == 3)
        #expect(analysis.witness?.typeName == "charpoly-positivstellensatz")
    }

    /// σ is linear in the multipliers: a positive multiple still proves,
    /// the negated multipliers give −σ and must not.
    @Test func scalingKeepsAndNegationBreaksTheProof() throws {
        let (t11, v) = Self.blocks(Self.undecidedBySigns)
        let terms = try #require(CharPolyPositivstellensatz.search(t11: t11, v: v, regime: .positive))
        let scaled = terms.map { PositivstellensatzTerm(j: $0.j, exponents: $0.exponents, coefficient: Rational(3, 7) * $0.coefficient) }
        #expect(Self.proves(scaled, t11: t11, v: v))
        let negated = terms.map { PositivstellensatzTerm(j: $0.j, exponents: $0.exponents, coefficient: $0.coefficient.negated) }
        #expect(!Self.proves(negated, t11: t11, v: v))
    }

    /// Products of two pairs are in K_2 of their regime: no multipliers
    /// may exist, so any the search returned would expose a soundness bug.
    @Test(arguments: Regime.allCases) func productsOfTwoPairsGetNoMultipliers(regime: Regime) throws {
        var rng = SeededGenerator(seed: 5)
        for d in 2...3 {
            for _ in 0..<(d == 2 ? 3 : 1) {
                let t = CouplingPair.product([
                    DepthAnalysisTests.randomPair(d, regime, &rng), DepthAnalysisTests.randomPair(d, regime, &rng),
                ])
                let (t11, v) = Self.blocks(t)
                #expect(CharPolyPositivstellensatz.search(t11: t11, v: v, regime: regime) == nil)
            }
        }
    }

    /// A Gaussian matrix (`search-k2 --d 5 --family random --seed 1`, candidate
    /// 179 of 200, entries in units of 2^-10) with no multipliers of degree
    /// <= 3 (the full LP's budget at d = 5); HiGHS found D = 5 certificates.
    /// The one-variable search must find some, and they must prove.
    @Test func oneVariableMultipliersReachBeyondTheFullLP() throws {
        let numerators: [[Int]] = [
            [361, -193, -275, 467, -454, -727, 1231, -396, 1339, -917],
            [-346, 502, 187, -768, 1169, 722, 1287, -516, -1331, 332],
            [577, -950, 1992, -815, 567, 331, 735, -568, 171, -1168],
            [-700, 1455, -990, 2039, -304, 1805, -843, -1079, -728, 910],
            [854, 168, -1326, 122, 696, 1262, -109, -575, 2145, -408],
            [-530, 268, 1647, 1004, -4, 827, -347, -766, 1331, -985],
            [-833, -329, -347, 753, -1036, 119, 1810, 1094, -494, -599],
            [-571, 599, -521, -764, 1683, -922, -1880, -788, -336, -344],
            [1796, 874, -53, 825, -993, -1244, 1099, 189, 1990, -2080],
            [-1387, 242, 112, 172, -247, 446, 338, -132, -145, -2684],
        ]
        let t = RationalMatrix(numerators.map { $0.map { Rational($0, 1024) } })
        let (t11, v) = Self.blocks(t)
        let terms = try #require(CharPolyPositivstellensatz.search(t11: t11, v: v, regime: .positive))
        #expect(Self.proves(terms, t11: t11, v: v))
        // Each multiplier is a power of one variable, of a degree the full LP does not reach.
        let variables = Set(terms.flatMap { term in term.exponents.indices.filter { term.exponents[$0] > 0 } })
        #expect(variables.count <= 1)
        #expect(terms.map { $0.j + $0.exponents.reduce(0, +) }.max()! > 3)
    }

    /// `T = diag(I, P)`, `P` a 3-cycle: `f_1 = δ_1 + δ_2 + δ_3`, `f_2 = e_2(δ)`
    /// (the 2×2 principal minors of `P` vanish), and `f_1·f_1 − 2·f_2 = Σ δ_i²`
    /// has no real zero with `δ_i ≠ 0`. No one-coefficient witness sees this
    /// in the signed regime, and the signed search must find even exponents.
    @Test func signedSearchFindsSquares() throws {
        let p: [[Rational]] = [[0, 1, 0], [0, 0, 1], [1, 0, 0]]
        let t = RationalMatrix.blocks(.identity(3), .zero(3, 3), .zero(3, 3), RationalMatrix(p))
        #expect(LowerBounds.witness(for: PreparedMatrix(t), regime: .signed) == nil)
        let (t11, v) = Self.blocks(t)
        let terms = try #require(CharPolyPositivstellensatz.search(t11: t11, v: v, regime: .signed))
        let sigma = CharPolyPositivstellensatz.combination(terms, t11: t11, v: v)
        #expect(CharPolyPositivstellensatz.violation(sigma, regime: .signed) == nil)
        #expect(sigma.keys.allSatisfy { $0.allSatisfy { $0 % 2 == 0 } })
        let analysis = try DepthAnalyzer(seed: 0).analyze(t, regime: .signed)
        #expect(analysis.proven && analysis.lowerBound == 3)
        #expect(analysis.witness?.typeName == "charpoly-positivstellensatz")
    }

    @Test func malformedOrOversizedTermsAreNamed() {
        func term(_ j: Int, _ e: [Int], _ c: Int = 1) -> PositivstellensatzTerm {
            PositivstellensatzTerm(j: j, exponents: e, coefficient: Rational(c))
        }
        let ok = term(1, [1, 0, 0, 0])
        #expect(CharPolyPositivstellensatz.budgetViolation([ok], d: 2) == nil)
        #expect(CharPolyPositivstellensatz.budgetViolation([], d: 2) != nil)
        #expect(CharPolyPositivstellensatz.budgetViolation([term(3, [0, 0, 0, 0])], d: 2) != nil)
        #expect(CharPolyPositivstellensatz.budgetViolation([term(1, [1, 0, 0])], d: 2) != nil)
        #expect(CharPolyPositivstellensatz.budgetViolation([term(1, [-1, 0, 0, 0])], d: 2) != nil)
        #expect(CharPolyPositivstellensatz.budgetViolation([term(1, [65, 0, 0, 0])], d: 2) != nil)
        #expect(CharPolyPositivstellensatz.budgetViolation([term(1, [1, 0, 0, 0], 0)], d: 2) != nil)
        #expect(CharPolyPositivstellensatz.budgetViolation([ok, term(1, [1, 0, 0, 0], 2)], d: 2) != nil)
        // C(15, 7) = 6435 minors exceed the principal-minor budget.
        #expect(CharPolyPositivstellensatz.budgetViolation([term(7, [Int](repeating: 0, count: 30))], d: 15) != nil)
        // 2·C(12, 6) = 1848 products per term: 568 distinct terms pass 2^20.
        let many = (0..<568).map { k in term(6, (0..<24).map { $0 == k % 24 ? k / 24 + 1 : 0 }) }
        #expect(CharPolyPositivstellensatz.budgetViolation(many, d: 12)?.contains("work budget") == true)
    }
}
