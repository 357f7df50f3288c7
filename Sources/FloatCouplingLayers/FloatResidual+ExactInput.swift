import ExactLinearAlgebra
import FloatLinearAlgebra

extension FloatResidual {
    /// A certified bound on `‖T − product‖_F` for the *exact* input `T`,
    /// when the layers were computed from its binary64 rounding `rounded`.
    ///
    /// Exact (GMP on every binary64 value and on `T`) for `2d <= exactLimit`;
    /// otherwise the compensated bound for `rounded` plus `‖T − rounded‖_F`
    /// (the triangle inequality, the second term 0 when every entry of `T` is
    /// exactly its binary64 value), each rounded up.
    ///
    /// ```swift
    /// let r = FloatResidual.bound(exact: t, rounded: tDouble, f.layers)
    /// ```
    public static func bound(
        exact t: RationalMatrix, rounded: DoubleMatrix, _ layers: [FloatCouplingPair],
        exactLimit: Int = defaultExactLimit
    ) -> Bound {
        precondition(t.rows == rounded.rows && t.columns == rounded.columns, "shapes differ")
        if t.rows <= exactLimit {
            return Bound(value: squareRootUp(exactSquaredResidual(t, layers)), method: .exact)
        }
        // A float64 input is its own rounding: no GMP pass over 4d² entries.
        let represented = (0..<t.rows).allSatisfy { i in (0..<t.columns).allSatisfy { t[i, $0].exactDouble == rounded[i, $0] } }
        let inputBound = represented ? 0 : squareRootUp(squaredNorm(t - RationalMatrix(exactly: rounded)))
        let total = compensatedBound(rounded, layers) + inputBound
        // One more step up covers the rounding of the sum.
        return Bound(value: total.nextUp, method: .compensated)
    }
}
