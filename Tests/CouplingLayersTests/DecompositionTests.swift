import Testing
import CouplingLayers
import ExactLinearAlgebra

@Suite struct DecompositionTests {
    func check(_ t: RationalMatrix, _ regime: Regime, maxDepth: Int = 3, seed: UInt64 = 0) throws -> ExactFactorization {
        let f = try ExactDecomposer(seed: seed).decompose(t, regime: regime)
        #expect(CouplingPair.product(f.layers) == t)
        #expect(f.layers.allSatisfy { $0.satisfies(regime) })
        #expect(f.depth <= maxDepth)
        return f
    }

    @Test(arguments: Regime.allCases)
    func randomRationalMatrices(regime: Regime) throws {
        var rng = SeededGenerator(seed: 2026)
        for d in 1...6 {
            for _ in 0..<(d <= 3 ? 6 : 2) {
                _ = try check(Fixtures.randomRational(2 * d, rng: &rng), regime)
            }
        }
    }

    @Test func identityIsDepthOne() throws {
        for d in 1...4 { #expect(try check(.identity(2 * d), .positive).depth == 1) }
    }

    @Test func channelSwap() throws {
        for d in 1...6 {
            let t = Fixtures.swap(d)
            if d % 2 == 1 {
                #expect(throws: DecompositionError.self) { try ExactDecomposer().decompose(t, regime: .positive) }
            } else {
                _ = try check(t, .positive)
                #expect(try check(t, .signed).depth == 2)
            }
        }
    }

    @Test func twoIdentity() throws {
        for d in [2, 4, 6] {
            _ = try check(Fixtures.twoIdentity(d), .positive)
            // Schur complement −I is an admissible signed diagonal: T ∈ K_1(signed).
            #expect(try check(Fixtures.twoIdentity(d), .signed).depth == 1)
        }
    }

    @Test func zeroCorner() throws {
        for d in 2...5 {
            #expect(try check(Fixtures.zeroCorner(d), .positive).depth == 3)
            #expect(try check(Fixtures.zeroCorner(d), .signed).depth == 3)
        }
    }

    @Test func scalarBlocksAndExtremes() throws {
        let d = 3
        let scalar = RationalMatrix.blocks(3 * .identity(d), 5 * .identity(d), 2 * .identity(d), 7 * .identity(d))
        _ = try check(scalar, .positive)
        let huge = Rational(10).power(40)
        let tiny = Rational(1) / huge
        var rng = SeededGenerator(seed: 5)
        let base = Fixtures.randomInteger(4, rng: &rng)
        _ = try check(huge * base, .positive)
        _ = try check(tiny * base, .positive)
    }

    @Test func rejectsBadShapesAndDeterminants() {
        #expect(throws: DecompositionError.oddSize(3)) { try ExactDecomposer.validate(.identity(3)) }
        #expect(throws: DecompositionError.notSquare(rows: 2, columns: 4)) { try ExactDecomposer.validate(.zero(2, 4)) }
        #expect(throws: DecompositionError.singular) { try ExactDecomposer.validate(.zero(4, 4)) }
        let negative = RationalMatrix.diagonal([-1, 1, 1, 1])
        #expect(throws: DecompositionError.determinantNegative("-1")) { try ExactDecomposer.validate(negative) }
    }

    @Test func deterministicForSeed() throws {
        var rng = SeededGenerator(seed: 9)
        let t = Fixtures.randomInteger(8, rng: &rng)
        let a = try ExactDecomposer(seed: 3).decompose(t, regime: .positive)
        let b = try ExactDecomposer(seed: 3).decompose(t, regime: .positive)
        #expect(a.layers == b.layers)
    }
}
