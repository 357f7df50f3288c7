import FloatLinearAlgebra
import Foundation

/// Levenberg–Marquardt on the full depth-2 system of theory §4a, for
/// singular `T11`, where the intertwiner system does not apply and the
/// characteristic-polynomial equations are only necessary: unknowns the
/// log-magnitudes of `Δ = diag(δ, γ)` (signs fixed) and `X, Y, Z, W`;
/// residual `N−(X)N+(Y)N−(Z)N+(W) − T·Δ` relative to `‖T·Δ‖_F`. A small
/// residual is evidence of the real question — a depth-2 factorization
/// within rounding — never a proof.
enum FullSystemNumerics {
    /// `4d² + 2d` unknowns and a dense normal-equation solve per step, from
    /// every restart: the cost grows like d⁶, so the search stops at `d = 4`.
    static let maximumD = 4

    /// The relative residual after polishing from the scalings `delta1`,
    /// `delta2` of a characteristic-polynomial solution, with `Y` drawn
    /// from `rng` and `Z, X, W` fitted to it by least squares.
    static func residual(t: [Double], d: Int, delta1: [Double], delta2: [Double], rng: inout SeededGenerator) -> Double {
        let n = 2 * d
        let signs = (delta1 + delta2).map { $0 < 0 ? -1.0 : 1.0 }
        let tMatrix = DoubleMatrix(rows: n, columns: n) { t[$0 * n + $1] }
        func blocks(_ logs: [Double]) -> (DoubleMatrix, DoubleMatrix, DoubleMatrix, DoubleMatrix) {
            let s = (0..<n).map { signs[$0] * exp(logs[$0]) }
            let scaled = tMatrix.scalingColumns(by: s)
            return (
                scaled.block(rows: 0..<d, columns: 0..<d), scaled.block(rows: 0..<d, columns: d..<n),
                scaled.block(rows: d..<n, columns: 0..<d), scaled.block(rows: d..<n, columns: d..<n)
            )
        }
        // Start: Y random, Z = Y⁻¹(T11Δ1 − I); X and W by least squares.
        let logs = (delta1 + delta2).map { log(abs($0)) }
        let (a, b, c, _) = blocks(logs)
        let y = DoubleMatrix(rows: d, columns: d) { _, _ in Double(rng.int(in: -1000...1000)) / 1000 }
        guard let z = y.solve(a - .identity(d)), let aPlus = pseudoInverse(a) else { return .infinity }
        let x = (c - z) * aPlus, w = aPlus * (b - y)
        let start = logs + x.entries + y.entries + z.entries + w.entries
        let residuals: ([Double]) -> [Double] = { p in
            let (ta, tb, tc, td) = blocks(Array(p[0..<n]))
            let m = d * d
            func unknown(_ k: Int) -> DoubleMatrix {
                DoubleMatrix(rows: d, columns: d, columnMajor: Array(p[(n + k * m)..<(n + (k + 1) * m)]))
            }
            let (x, y, z, w) = (unknown(0), unknown(1), unknown(2), unknown(3))
            let pa = .identity(d) + y * z, pb = pa * w + y, pc = x * pa + z
            let pd = x * pb + z * w + .identity(d)
            let scale = DoubleMatrix.blocks(ta, tb, tc, td).frobeniusNorm
            return [pa - ta, pb - tb, pc - tc, pd - td].flatMap(\.entries).map { $0 / scale }
        }
        let (p, r) = LevenbergMarquardt.minimize(
            from: start, options: .init(iterations: 100, target: 1e-14, tries: 16), residuals: residuals)
        // Scalings running off to 0 or ∞ approach the variety without reaching it.
        let shift = p[0..<d].reduce(0, +) / Double(d)
        guard (p[0..<d].map { $0 - shift } + p[d..<n].map { $0 + shift }).allSatisfy({ abs($0) <= NumericDepthTwo.maximumLogScaling })
        else { return .infinity }
        return LevenbergMarquardt.euclideanNorm(r)
    }

    /// Moore–Penrose inverse of a square matrix by SVD, singular values
    /// below `1e-12·σ_max` dropped.
    static func pseudoInverse(_ a: DoubleMatrix) -> DoubleMatrix? {
        guard let (u, s, vt) = a.singularValueDecomposition, let largest = s.max() else { return nil }
        return vt.transpose.scalingColumns(by: s.map { $0 > 1e-12 * largest ? 1 / $0 : 0 }) * u.transpose
    }
}
