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
        #expect(throws: CouplingInputError.oddSize(3)) { try ExactDecomposer.validate(.identity(3)) }
        #expect(throws: CouplingInputError.notSquare(rows: 2, columns: 4)) { try ExactDecomposer.validate(.zero(2, 4)) }
        #expect(throws: CouplingInputError.empty) { try ExactDecomposer.validate(.zero(0, 0)) }
        #expect(throws: CouplingInputError.singular()) { try ExactDecomposer.validate(.zero(4, 4)) }
        let negative = RationalMatrix.diagonal([-1, 1, 1, 1])
        #expect(throws: CouplingInputError.determinantNegative("-1")) { try ExactDecomposer.validate(negative) }
        #expect(throws: DecompositionError.input(.determinantNegative("-1"))) {
            try ExactDecomposer().decompose(negative, regime: .positive)
        }
    }

    @Test func deterministicForSeed() throws {
        var rng = SeededGenerator(seed: 9)
        let t = Fixtures.randomInteger(8, rng: &rng)
        let a = try ExactDecomposer(seed: 3).decompose(t, regime: .positive)
        let b = try ExactDecomposer(seed: 3).decompose(t, regime: .positive)
        #expect(a.layers == b.layers)
    }
}

@Suite struct ProductCheckTests {
    /// The meet-in-the-middle check agrees with the plain product: it holds
    /// for the product itself at depths 1–5 and fails when any single entry
    /// of `t` moves, in either half of the network.
    @Test(arguments: Regime.allCases)
    func agreesWithThePlainProduct(regime: Regime) {
        var rng = SeededGenerator(seed: 77)
        for d in 1...4 {
            for depth in 1...5 {
                let layers = (0..<depth).map { _ in DepthAnalysisTests.randomPair(d, regime, &rng) }
                let t = CouplingPair.product(layers)
                #expect(CouplingPair.productEquals(layers, t))
                var moved = t
                let (i, j) = (rng.int(in: 0...(2 * d - 1)), rng.int(in: 0...(2 * d - 1)))
                moved[i, j] = moved[i, j] + Rational(1, 1_000_003)
                #expect(!CouplingPair.productEquals(layers, moved))
                var tampered = layers
                tampered[depth - 1].D[0, 0] = tampered[depth - 1].D[0, 0] + .one
                #expect(!CouplingPair.productEquals(tampered, t))
                tampered = layers
                tampered[0].A[d - 1, 0] = tampered[0].A[d - 1, 0] + .one
                #expect(!CouplingPair.productEquals(tampered, t))
            }
        }
    }

    /// A zero diagonal entry makes a layer singular; the check then falls
    /// back to the plain product instead of dividing by zero.
    @Test func singularLayersUseThePlainProduct() {
        var rng = SeededGenerator(seed: 5)
        var layers = (0..<3).map { _ in DepthAnalysisTests.randomPair(2, .positive, &rng) }
        layers[2].C[1] = .zero
        let t = CouplingPair.product(layers)
        #expect(CouplingPair.productEquals(layers, t))
        #expect(!CouplingPair.productEquals(layers, t + .identity(4)))
        #expect(!CouplingPair.productEquals(layers, .identity(6)))
    }
}
