import Certificates
import CouplingLayers
import ExactLinearAlgebra
import Testing

/// The permutation matrix sending row `i` to column `p[i]`.
private func permutation(_ p: [Int]) -> RationalMatrix {
    RationalMatrix(p.map { j in p.indices.map { $0 == j ? 1 : 0 } })
}

private func accepted(_ t: RationalMatrix, _ regime: Regime) -> Bool {
    CertificateVerifier.verify(json: Certificate(regime: regime, matrix: t, claim: .notInK2(.monomialCycles)).jsonText).isAccepted
}

@Suite struct MonomialCyclesTests {
    /// `diag(I, P)` at d = 5, `P` two fixed points and a 3-cycle: the
    /// numerical search finds near-solutions (scalings diverge), the cycles
    /// prove there is none.
    let blockDiagonal = permutation([0, 1, 2, 3, 4, 5, 6, 8, 9, 7])

    @Test func provesTheThreeCycleInBothRegimes() throws {
        for regime in Regime.allCases {
            #expect(accepted(blockDiagonal, regime))
            // Without the numerical search and the multiplier LP (25 s in a debug build).
            let analysis = try DepthAnalyzer(numeric: false).analyze(blockDiagonal, regime: regime)
            #expect(analysis.lowerBound == 3 && analysis.witness == .monomialCycles)
        }
        // The transpose and a conjugate by diag(P, Q) are the same case.
        #expect(accepted(blockDiagonal.transpose, .signed))
        #expect(accepted(permutation([1, 0, 2, 3, 4, 9, 7, 5, 6, 8]), .signed))
    }

    /// `diag(I, two 2-cycles)`: `(x − 1)⁴` against `(x² − 1)²` in the
    /// positive regime; with signs free, `(x − 1)²(x + 1)²` agrees, and the
    /// matrix is in `K_2(signed)` (similar weighted permutations).
    @Test func signsDecide() throws {
        let t = permutation([0, 1, 2, 3, 5, 4, 7, 6])
        #expect(accepted(t, .positive))
        #expect(!accepted(t, .signed))
        #expect(try DepthAnalyzer(seed: 0).analyze(t, regime: .signed).upperBound == 2)
        // [I 2I; I I]: T11 = I, V = −I, again only the positive regime.
        let scalar = RationalMatrix.blocks(.identity(2), 2 * .identity(2), .identity(2), .identity(2))
        #expect(accepted(scalar, .positive) && !accepted(scalar, .signed))
    }

    @Test func rejectsWhatItCannotProve() {
        // Equal cycle types: the weighted permutations can be similar.
        #expect(!accepted(.identity(6), .positive))
        #expect(!accepted(permutation([1, 2, 0, 4, 5, 3]), .signed))
        // The swap: T11 = V = 0, two path points on each side and no cycles.
        #expect(!accepted(permutation([2, 3, 0, 1]), .signed))
        let v = RationalMatrix([[1, 1, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]])
        #expect(!accepted(v, .positive))
        // d = 17 with 17 fixed points on top: over the signed budget, not the positive check.
        let wide = permutation(Array(0..<17) + [18, 19, 17] + Array(20..<34))
        #expect(!accepted(wide, .signed))
        #expect(accepted(wide, .positive))
    }

    /// `A ⊕ J` at d = 5 (`J` the swap, `A` = upper `(0)(1)(2 3)`, lower
    /// `(6)(7 8 9)`): `T11` and `V` each have a zero row and column, so
    /// `χ = x·(x − δ0)(x − δ1)(x² − δ2δ3)` against `x·(x − 1/γ)(x³ − a)`,
    /// whose non-real cube roots no real scalings reach. Its ideal has
    /// complex points, so no `full-system-ideal` witness exists; the two
    /// classes of this shape were the last undecided ones at d = 5.
    @Test func pathsAddRootsZero() throws {
        for p in [[0, 1, 3, 2, 5, 4, 6, 8, 9, 7], [0, 2, 3, 1, 5, 4, 6, 7, 9, 8]] {
            let t = permutation(p)
            #expect(accepted(t, .signed) && accepted(t, .positive))
            let analysis = try DepthAnalyzer(numeric: false).analyze(t, regime: .signed)
            #expect(analysis.lowerBound == 3 && analysis.witness == .monomialCycles)
        }
        // The path points must agree too: T11 = diag(0, 1) (one path point, a
        // fixed point) against V = [0 1; 0 0] (two path points), and nothing
        // else to compare. Swapping the roles keeps the verdict.
        let t = permutation([2, 1, 3, 0])
        #expect(accepted(t, .signed) && accepted(t.transpose, .signed))
        // Equal path points and equal cycles: two swaps ⊕ an identity pair
        // (T11 = V = diag(0, 0, 1)) are in K_2(signed).
        let swapPlusIdentity = permutation([3, 4, 2, 0, 1, 5])
        #expect(!accepted(swapPlusIdentity, .signed))
        #expect(try DepthAnalyzer(seed: 0).analyze(swapPlusIdentity, regime: .signed).upperBound == 2)
    }

    @Test func cycleStructure() throws {
        let m = RationalMatrix([[0, -2, 0], [3, 0, 0], [0, 0, -1]])
        let s = try #require(MonomialCycles.structure(m))
        #expect(s.cycles.map(\.length) == [2, 1] && s.cycles.map(\.negative) == [true, true] && s.pathPoints == 0)
        // A path 3 → 0 → 2 (row 2 is zero) beside a negative fixed point 1,
        // walked from its middle first.
        let path = RationalMatrix([[0, 0, 5, 0], [0, -1, 0, 0], [0, 0, 0, 0], [7, 0, 0, 0]])
        let p = try #require(MonomialCycles.structure(path))
        #expect(p.cycles.map(\.length) == [1] && p.cycles.map(\.negative) == [true] && p.pathPoints == 3)
        #expect(MonomialCycles.structure(RationalMatrix.zero(3, 3))?.pathPoints == 3)
        #expect(MonomialCycles.structure(RationalMatrix([[1, 1], [0, 1]])) == nil)
        #expect(MonomialCycles.structure(RationalMatrix([[1, 0], [1, 0]])) == nil)
    }
}
