import ExactLinearAlgebra

/// Depth 1 (theory §3): `L(A,B)·U(C,D) = [C D; AC AD+B]`, so `T ∈ K_1` iff
/// `T11` is an admissible diagonal and so is the Schur complement
/// `T22 − T21 T11⁻¹ T12`.
public enum DepthOne {
    /// The unique depth-1 factorization, or `nil` when `T ∉ K_1(regime)`.
    public static func factorization(of t: RationalMatrix, regime: Regime) -> CouplingPair? {
        let b = BlockView(t)
        guard b.t11.isDiagonal, regime.admitsAll(b.t11.diagonalEntries) else { return nil }
        let c = b.t11.diagonalEntries
        let a = RationalMatrix(rows: b.d, columns: b.d) { i, j in b.t21[i, j] / c[j] }
        let schur = b.t22 - a * b.t12
        guard schur.isDiagonal, regime.admitsAll(schur.diagonalEntries) else { return nil }
        return CouplingPair(A: a, B: schur.diagonalEntries, C: c, D: b.t12)
    }

    /// Why `T ∉ K_1(regime)`, or `nil` if it is in `K_1`.
    public static func obstruction(of t: RationalMatrix, regime: Regime) -> String? {
        let b = BlockView(t)
        if !b.t11.isDiagonal { return "T11 is not diagonal" }
        if !regime.admitsAll(b.t11.diagonalEntries) { return "T11 has a diagonal entry not admissible in the \(regime.rawValue) regime" }
        if factorization(of: t, regime: regime) == nil { return "the Schur complement T22 - T21 T11^-1 T12 is not an admissible diagonal" }
        return nil
    }
}
