import CouplingCore
import FloatLinearAlgebra
import Foundation

/// Input validation shared by every float entry point: shape, finiteness and
/// the sign of the determinant, decided from LU only when LAPACK's condition
/// estimate says rounding cannot flip it.
enum FloatInputCheck {
    /// `1/κ₁` below this makes the LU sign untrustworthy: backward error of
    /// partially pivoted LU is about `n·u·growth`, and we want a wide margin.
    static func minimumReciprocalCondition(_ n: Int) -> Double { 1e3 * Double(n) * Double.ulpOfOne }

    /// Returns `d` and the determinant estimate, or throws a clear error.
    static func validate(_ t: DoubleMatrix) throws(FloatDecompositionError) -> (d: Int, determinant: DeterminantEstimate) {
        let d: Int
        do { d = try CouplingInputError.blockSize(rows: t.rows, columns: t.columns) } catch { throw .input(error) }
        for j in 0..<t.columns {
            for i in 0..<t.rows where !t[i, j].isFinite { throw .nonFinite(row: i, column: j) }
        }
        guard let det = t.determinantEstimate else { throw .input(.singular(estimated: true)) }
        guard det.reciprocalCondition >= minimumReciprocalCondition(t.rows) else {
            throw .tooIllConditioned(reciprocalCondition: det.reciprocalCondition)
        }
        guard det.sign > 0 else { throw .input(.determinantNegative(value(det), estimated: true)) }
        return (d, det)
    }

    /// `-0.5`, `-3.2e+12`, or `-2^-2400` where `det` is outside the binary64 range.
    static func value(_ det: DeterminantEstimate) -> String {
        guard Swift.abs(det.log2Magnitude) < 1000 else {
            return (det.sign < 0 ? "-" : "") + "2^\(Int(det.log2Magnitude.rounded()))"
        }
        return String(format: "%.3g", Double(det.sign) * Foundation.exp2(det.log2Magnitude))
    }
}
