import Testing
@testable import CouplingLayers
import ExactLinearAlgebra

/// `--prefer height`: the block LDU construction and its square-zero levels.
@Suite struct BlockLDUTests {
    func check(_ t: RationalMatrix, _ regime: Regime, seed: UInt64 = 0) throws -> ExactFactorization {
        let f = try ExactDecomposer(seed: seed).decompose(t, regime: regime, prefer: .height)
        #expect(CouplingPair.product(f.layers) == t)
        #expect(f.layers.allSatisfy { $0.satisfies(regime) })
        var levels = 0
        while 1 << levels < f.d { levels += 1 }
        #expect(f.depth <= 3 * levels + 6, "depth \(f.depth) at d = \(f.d)")
        return f
    }

    static func inverseHeight(_ t: RationalMatrix) -> Int { t.inverse()!.heightBits }

    @Test(arguments: Regime.allCases)
    func randomMatrices(regime: Regime) throws {
        var rng = SeededGenerator(seed: 31)
        for d in 1...7 {
            for _ in 0..<(d <= 3 ? 5 : 2) {
                _ = try check(Fixtures.randomInteger(2 * d, rng: &rng), regime)
                _ = try check(Fixtures.randomRational(2 * d, rng: &rng), regime)
            }
        }
    }

    /// The point of the construction: entries near the height of `T⁻¹`'s
    /// (measured 1.0–1.4×), where depth 3 reaches 40× at d = 8.
    @Test func heightStaysNearTheInverse() throws {
        var rng = SeededGenerator(seed: 2027)
        for d in [8, 12, 16] {
            let t = Fixtures.randomInteger(2 * d, rng: &rng)
            let f = try check(t, .positive)
            #expect(f.heightBits <= 2 * Self.inverseHeight(t), "height \(f.heightBits) at d = \(d)")
        }
    }

    @Test func namedMatrices() throws {
        for d in 1...5 {
            #expect(try check(.identity(2 * d), .positive).depth == 1)
            if d % 2 == 0 { _ = try check(Fixtures.twoIdentity(d), .positive) }
            let scalar = RationalMatrix.blocks(3 * .identity(d), 5 * .identity(d), 2 * .identity(d), 7 * .identity(d))
            _ = try check(scalar, .positive)
            if d >= 2 { _ = try check(Fixtures.zeroCorner(d), .positive) }
            if d % 2 == 0 { #expect(try check(Fixtures.swap(d), .positive).heightBits <= 8) }
        }
        #expect(try check(Fixtures.swap(16), .positive).heightBits <= 8)
        var rng = SeededGenerator(seed: 6)
        let base = Fixtures.randomInteger(6, rng: &rng)
        let huge = Rational(10).power(40)
        _ = try check(huge * base, .positive)
        _ = try check(base.map { $0 / huge }, .signed)
    }

    /// Block-diagonal inputs whose LDU needs row exchanges and sign fixes:
    /// the signed permutation `Π` is split off and factored on its own.
    @Test(arguments: Regime.allCases)
    func pivotingInputs(regime: Regime) throws {
        var rng = SeededGenerator(seed: 12)
        for d in 2...6 {
            let p = SignedPermutation.random(d, &rng).matrix, q = SignedPermutation.random(d, &rng).matrix
            guard let t = RationalMatrix.blocks(p, .zero(d, d), .zero(d, d), q).withPositiveDeterminant() else { continue }
            #expect(try check(t, regime).heightBits <= 8)
            let shifted = t + RationalMatrix.blocks(.zero(d, d), .identity(d), .zero(d, d), .zero(d, d))
            if shifted.determinant.sign > 0 { _ = try check(shifted, regime) }
        }
    }

    @Test func deterministicForSeed() throws {
        var rng = SeededGenerator(seed: 4)
        let t = Fixtures.randomInteger(12, rng: &rng)
        let a = try ExactDecomposer(seed: 7).decompose(t, regime: .positive, prefer: .height)
        let b = try ExactDecomposer(seed: 7).decompose(t, regime: .positive, prefer: .height)
        #expect(a.layers == b.layers)
    }

    /// Each level is square-zero, the levels multiply back to the triangular
    /// matrix in either order, and the four-block commutator is exactly
    /// `diag(I + N1, I + N2)` in both orientations.
    @Test func squareZeroLevelsAndTheirCommutators() {
        var rng = SeededGenerator(seed: 3)
        for d in [1, 2, 5, 8, 11] {
            let m = Fixtures.randomRational(d, rng: &rng)
            let lower = RationalMatrix(rows: d, columns: d) { i, j in i == j ? .one : (i > j ? m[i, j] : .zero) }
            let upper = lower.transpose
            for topFirst in [true, false] {
                let l = SquareZeroLevels(lower, upper: false, topFirst: topFirst)
                let u = SquareZeroLevels(upper, upper: true, topFirst: topFirst)
                #expect(l.blocks.allSatisfy { ($0 * $0).isZero } && u.blocks.allSatisfy { ($0 * $0).isZero })
                #expect(l.blocks.reduce(RationalMatrix.identity(d)) { $0 * (.identity(d) + $1) } == lower)
                #expect(u.blocks.reduce(RationalMatrix.identity(d)) { $0 * (.identity(d) + $1) } == upper)
                for k in l.blocks.indices {
                    for startsUpper in [true, false] {
                        let factors = SquareZeroLevels.blockDiagonal(
                            l.blocks[k], u.blocks[k], rows1: l.rowSupport[k],
                            columns1: l.columnSupport[k], startsUpper: startsUpper)
                        let expected = RationalMatrix.blocks(
                            .identity(d) + l.blocks[k], .zero(d, d), .zero(d, d), .identity(d) + u.blocks[k])
                        #expect(Self.product(factors, d) == expected)
                    }
                }
            }
        }
    }

    static func product(_ factors: [BlockFactor], _ d: Int) -> RationalMatrix {
        factors.reduce(RationalMatrix.identity(2 * d)) { result, factor in
            switch factor {
            case .lower(let x): return result * .blocks(.identity(d), .zero(d, d), x, .identity(d))
            case .upper(let y): return result * .blocks(.identity(d), y, .zero(d, d), .identity(d))
            case .diagonal(let g1, let g2): return result * .diagonal(g1 + g2)
            }
        }
    }

    /// Merging neighbours and reading off pairs does not change the product.
    @Test func blockFactorSequenceKeepsTheProduct() {
        var rng = SeededGenerator(seed: 8)
        let d = 3
        func random() -> RationalMatrix { Fixtures.randomRational(d, rng: &rng) }
        let factors: [BlockFactor] = [
            .upper(random()), .diagonal([2, 3, 1], [1, 5, 7]), .lower(random()), .lower(random()), .upper(.zero(d, d)),
            .diagonal([1, 1, 2], [3, 1, 1]), .upper(random()), .upper(-.identity(d)), .upper(.identity(d)), .lower(random()),
        ]
        var sequence = BlockFactorSequence(d: d)
        sequence.append(contentsOf: factors)
        let pairs = sequence.couplingPairs()
        #expect(pairs.count == sequence.pairCount)
        #expect(CouplingPair.product(pairs) == Self.product(factors, d))
        #expect(pairs.count == 4)
    }
}
