import FloatLinearAlgebra

/// Input validation shared by every float entry point: shape, finiteness and
/// the sign of the determinant, decided from LU only when LAPACK's condition
/// estimate says rounding cannot flip it.
enum FloatInputCheck {
    /// `1/κ₁` below this makes the LU sign untrustworthy: backward error of
    /// partially pivoted LU is about `n·u·growth`, and we want a wide margin.
    static func minimumReciprocalCondition(_ n: Int) -> Double { 1e3 * Double(n) * Double.ulpOfOne }

    /// Returns `d` and the determinant estimate, or throws a clear error.
    static func validate(_ t: DoubleMatrix) throws(FloatDecompositionError) -> (d: Int, determinant: DeterminantEstimate) {
        guard t.isSquare, t.rows > 0, t.rows % 2 == 0 else {
            throw .notSquareEven(rows: t.rows, columns: t.columns)
        }
        for j in 0..<t.columns {
            for i in 0..<t.rows where !t[i, j].isFinite { throw .nonFinite(row: i, column: j) }
        }
        guard let det = t.determinantEstimate else { throw .nonPositiveDeterminant }
        guard det.reciprocalCondition >= minimumReciprocalCondition(t.rows) else {
            throw .tooIllConditioned(reciprocalCondition: det.reciprocalCondition)
        }
        guard det.sign > 0 else { throw .nonPositiveDeterminant }
        return (t.rows / 2, det)
    }
}
