import ExactLinearAlgebra

/// Coupling layers whose entries stay near the height of `T⁻¹`'s, at
/// depth about `3·log2(d) + 5` instead of 3.
///
/// Block LDU, `T = [I W; 0 I]·[I 0; X I]·diag(T11, S)·[I Z; 0 I]` (`W = 0`
/// unless `T11` is singular), then `T11 = P1·L1·D1·U1` and, reversed,
/// `S = P2·U2·D2·L2`. Pulling the signed permutation
/// `Π = diag(P1σ1, P2σ2)` to the front leaves
///
///     T = Π · [I W'; 0 I]·[I 0; X' I] · diag(L1, U2) · diag(|D1|, |D2|) · diag(U1, L2) · [I Z; 0 I]
///
/// Each block-diagonal triangular pair is a product of `⌈log2 d⌉`
/// square-zero levels, and each level is a commutator of unipotent blocks
/// with 0/1 and minor-ratio entries (`SquareZeroLevels`); `Π` takes the
/// monomial depth-3 path. Nothing here solves for eigenvectors, which is
/// where the depth-3 construction's entries grow.
enum BlockLDUConstruction {
    static func factor(_ t: RationalMatrix, regime: Regime, rng: inout SeededGenerator) -> [CouplingPair]? {
        let b = BlockView(t)
        let d = b.d
        // [I −W; 0 I]·T has top-left block T11 − W·T21; [T11; T21] has full
        // column rank, so small W almost always make it invertible.
        var chosen: (w: RationalMatrix, t11: RationalMatrix, ldu: LDUDecomposition)?
        for w in DepthThreeConstruction.candidateShifts(d, &rng) {
            let t11 = b.t11 - w * b.t21
            if let ldu = t11.lduDecomposition() { chosen = (w, t11, ldu); break }
        }
        guard let (w, t11, f1) = chosen, let t11Inverse = t11.inverse() else { return nil }
        let t12 = b.t12 - w * b.t22
        let x = b.t21 * t11Inverse
        let z = t11Inverse * t12
        let s = b.t22 - b.t21 * z
        guard let reversed = reversedOrder(s).lduDecomposition() else { return nil }
        // S = (J P J)(J L J)(J D J)(J U J), with J L J upper and J U J lower.
        let p2 = reversedOrder(reversed.permutation)
        let u2 = reversedOrder(reversed.lower)
        let l2 = reversedOrder(reversed.upper)
        let pivots2 = Array(reversed.pivots.reversed())

        var sign1 = admissibleSigns(f1.pivots, regime), sign2 = admissibleSigns(pivots2, regime)
        if regime == .signed && f1.permutation.determinant * p2.determinant != .one { sign1[0] = -1 }
        // Π_i = P_i·σ_i; σ moves through the pivots into the triangular factors.
        let pi1 = scaledColumns(f1.permutation, sign1), pi2 = scaledColumns(p2, sign2)
        let l1 = conjugated(f1.lower, sign1), u2Signed = conjugated(u2, sign2)
        let g1 = zip(f1.pivots, sign1).map { $0 * Rational($1) }
        let g2 = zip(pivots2, sign2).map { $0 * Rational($1) }
        guard regime.admitsAll(g1), regime.admitsAll(g2) else { return nil }

        let levels1 = (SquareZeroLevels(l1, upper: false, topFirst: true), SquareZeroLevels(u2Signed, upper: true, topFirst: true))
        let levels2 = (SquareZeroLevels(f1.upper, upper: true, topFirst: false), SquareZeroLevels(l2, upper: false, topFirst: false))
        guard let head = permutationFactors(.blocks(pi1, .zero(d, d), .zero(d, d), pi2), rng: &rng) else { return nil }
        let wPrime = pi1.transpose * w * pi2, xPrime = pi2.transpose * x * pi1

        // The level commutators alternate in orientation so that their
        // outer blocks merge; try the four starting orientations.
        let group1 = [false, true].map { levelFactors(levels1, startsUpper: $0) }
        let group2 = [false, true].map { levelFactors(levels2, startsUpper: $0) }
        var best: BlockFactorSequence?
        for second in group2.reversed() {
            for first in group1 {
                var sequence = BlockFactorSequence(d: d)
                sequence.append(contentsOf: head)
                sequence.append(.upper(wPrime))
                sequence.append(.lower(xPrime))
                sequence.append(contentsOf: first)
                sequence.append(.diagonal(g1, g2))
                sequence.append(contentsOf: second)
                sequence.append(.upper(z))
                if best == nil || sequence.pairCount < best!.pairCount { best = sequence }
            }
        }
        return best?.couplingPairs()
    }

    /// `diag(I + N1, I + N2)` level by level, orientations alternating.
    private static func levelFactors(_ levels: (SquareZeroLevels, SquareZeroLevels), startsUpper: Bool) -> [BlockFactor] {
        var factors: [BlockFactor] = [], upperFirst = startsUpper
        for k in levels.0.blocks.indices where !(levels.0.blocks[k].isZero && levels.1.blocks[k].isZero) {
            factors += SquareZeroLevels.blockDiagonal(
                levels.0.blocks[k], levels.1.blocks[k],
                rows1: levels.0.rowSupport[k], columns1: levels.0.columnSupport[k],
                startsUpper: upperFirst)
            upperFirst.toggle()
        }
        return factors
    }

    /// Unipotent blocks of a block-diagonal signed permutation with det 1
    /// (none for the identity), by the monomial depth-3 path.
    private static func permutationFactors(_ pi: RationalMatrix, rng: inout SeededGenerator) -> [BlockFactor]? {
        if pi == .identity(pi.rows) { return [] }
        let prepared = PreparedMatrix(pi)
        guard
            let product = DepthThreeConstruction.permutationFactor(prepared, rng: &rng)
                ?? DepthThreeConstruction.factor(prepared, rng: &rng),
            product.g1.allSatisfy({ $0 == .one }), product.g2.allSatisfy({ $0 == .one })
        else { return nil }
        return product.pairs.flatMap { [BlockFactor.lower($0.x), .upper($0.y)] }
    }

    /// The signs that make the pivots admissible: their own signs in the
    /// positive regime, none needed in the signed one.
    private static func admissibleSigns(_ values: [Rational], _ regime: Regime) -> [Int] {
        regime == .positive ? values.map { $0.sign } : values.map { _ in 1 }
    }

    /// `J·m·J` for the reversal `J`.
    private static func reversedOrder(_ m: RationalMatrix) -> RationalMatrix {
        RationalMatrix(rows: m.rows, columns: m.columns) { i, j in m[m.rows - 1 - i, m.columns - 1 - j] }
    }

    private static func scaledColumns(_ m: RationalMatrix, _ signs: [Int]) -> RationalMatrix {
        RationalMatrix(rows: m.rows, columns: m.columns) { i, j in signs[j] < 0 ? -m[i, j] : m[i, j] }
    }

    /// `σ·m·σ` for the diagonal sign matrix `σ`.
    private static func conjugated(_ m: RationalMatrix, _ signs: [Int]) -> RationalMatrix {
        RationalMatrix(rows: m.rows, columns: m.columns) { i, j in signs[i] * signs[j] < 0 ? -m[i, j] : m[i, j] }
    }
}
