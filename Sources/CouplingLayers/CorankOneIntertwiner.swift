import FloatLinearAlgebra
import Foundation

/// The intertwiner system of theory §4a carried over to `T11` of rank
/// `d − 1` (theory §4c): the untrusted search behind the full-system proofs
/// of `FullSystemMembership` when `T11` is singular but only just.
///
/// With `Q = TΔ`, `R = Q⁻¹` and `TΔ = N−(X)N+(P)N−(Z)N+(W)`, the blocks give
/// `Q11 = I + PZ`, `R22 = I + ZP`, so `Q11·P = P·R22` as for invertible
/// `T11`; but `Q11 = T11Δ1` and `R22 = Δ2⁻¹V` are now singular, and
/// `Q11·W = Q12 − P`, `X·Q11 = Q21 − Z`, `W·R22 = −R12 − P`,
/// `R22·X = −R21 − Z` are solvable only if `P` satisfies four linear
/// conditions on the null vectors (`T11·r0 = 0`, `ℓ0ᵀT11 = 0`, `V·rV = 0`,
/// `ℓVᵀV = 0`, `S = T⁻¹`):
///
///     P·T21·r0 = −Δ1⁻¹r0      ℓ0ᵀP = ℓ0ᵀT12Δ2
///     P·rV = −Δ1⁻¹S12·rV      ℓVᵀS21·P = ℓVᵀΔ2
///
/// With `det(TΔ) = 1` and the characteristic-polynomial equations of §4.2
/// (without them the search lands on singular `P`), these are the
/// equations here: `d² + 2d` unknowns `(log|δ|, log|γ|, P)` instead of the
/// full system's `2d² + 2d`. Why: on products of two pairs with `T11` of
/// rank `d − 1` at d = 10, 2 in 10 random starts of this system converge,
/// in about 15 steps, against 1 in 40 starts of 1500 steps for the full
/// system, whose iterates run off to `‖X‖, ‖W‖ → ∞` with `F1 = 0`.
struct CorankOneIntertwiner {
    let d: Int
    let t11, v: DoubleMatrix
    /// `T21·r0`, `ℓ0ᵀT12`, `S12·rV`, `ℓVᵀS21` and the null vectors.
    let t21r0, l0t12, s12rV, lVs21, r0, l0, rV, lV: [Double]
    let logDeterminant: Double

    /// Nil unless `T11` and `V` have rank exactly `d − 1` in binary64 (the
    /// smallest singular value below `1e-12·σ1`, the next above `1e-8·σ1`),
    /// `d >= 2` and `det T > 0`.
    init?(t: DoubleMatrix, inverse: DoubleMatrix) {
        let n = t.rows, h = n / 2
        d = h
        let (low, high) = (0..<h, h..<n)
        t11 = t.block(rows: low, columns: low)
        v = inverse.block(rows: high, columns: high)
        guard h >= 2, let (u1, s1, vt1) = t11.singularValueDecomposition, let (u2, s2, vt2) = v.singularValueDecomposition,
            s1[h - 1] <= 1e-12 * s1[0], s1[h - 2] > 1e-8 * s1[0], s2[h - 1] <= 1e-12 * s2[0], s2[h - 2] > 1e-8 * s2[0],
            let determinant = t.determinantEstimate, determinant.sign > 0
        else { return nil }
        r0 = vt1.row(h - 1)
        l0 = (0..<h).map { u1[$0, h - 1] }
        rV = vt2.row(h - 1)
        lV = (0..<h).map { u2[$0, h - 1] }
        let column = { (m: DoubleMatrix, x: [Double]) in (0..<h).map { i in (0..<h).reduce(0) { $0 + m[i, $1] * x[$1] } } }
        let row = { (x: [Double], m: DoubleMatrix) in (0..<h).map { j in (0..<h).reduce(0) { $0 + x[$1] * m[$1, j] } } }
        t21r0 = column(t.block(rows: high, columns: low), r0)
        l0t12 = row(l0, t.block(rows: low, columns: high))
        s12rV = column(inverse.block(rows: low, columns: high), rV)
        lVs21 = row(lV, inverse.block(rows: high, columns: low))
        logDeterminant = determinant.log2Magnitude * M_LN2
    }

    /// Unknowns `p = (log|δ|, log|γ|, P row-major)`; `δ, γ` carry `signs`.
    func scalings(_ p: [Double], signs: [Double]) -> (delta: [Double], gamma: [Double]) {
        ((0..<d).map { signs[$0] * exp(p[$0]) }, (0..<d).map { signs[d + $0] * exp(p[d + $0]) })
    }

    /// The `d²` intertwiner equations, the `4d` null-vector conditions,
    /// `log|det(TΔ)|`, then the `d − 1` normalised characteristic-polynomial
    /// differences of `NumericDepthTwo`. A `det(TΔ) < 0` sign pattern never
    /// solves it: the caller fixes signs with `Π signs = 1`.
    func residual(_ p: [Double], signs: [Double]) -> [Double] {
        let (delta, gamma) = scalings(p, signs: signs)
        let pm = DoubleMatrix(rows: d, columns: d) { p[2 * d + $0 * d + $1] }
        let m = t11.scalingColumns(by: delta), nv = v.scalingRows(by: gamma.map { 1 / $0 })
        var r = (m * pm - pm * nv).rowArrays.flatMap { $0 }
        for i in 0..<d { r.append((0..<d).reduce(0) { $0 + pm[i, $1] * t21r0[$1] } + r0[i] / delta[i]) }
        for j in 0..<d { r.append((0..<d).reduce(0) { $0 + l0[$1] * pm[$1, j] } - l0t12[j] * gamma[j]) }
        for i in 0..<d { r.append((0..<d).reduce(0) { $0 + pm[i, $1] * rV[$1] } + s12rV[i] / delta[i]) }
        for j in 0..<d { r.append((0..<d).reduce(0) { $0 + lVs21[$1] * pm[$1, j] } - lV[j] * gamma[j]) }
        r.append(p[0..<(2 * d)].reduce(0, +) + logDeterminant)
        let left = NumericDepthTwo.characteristicCoefficients(m.rowArrays.flatMap { $0 }, d)
        let right = NumericDepthTwo.characteristicCoefficients(nv.rowArrays.flatMap { $0 }, d)
        for j in 0..<(d - 1) { r.append((left[j] - right[j]) / (1 + abs(left[j]) + abs(right[j]))) }
        return r
    }

    /// Analytic rows for all but the characteristic-polynomial equations,
    /// whose `2d` scaling columns are forward differences (`P` does not
    /// enter them).
    func jacobian(_ p: [Double], _ r: [Double], signs: [Double]) -> DoubleMatrix {
        let (delta, gamma) = scalings(p, signs: signs)
        let pm = DoubleMatrix(rows: d, columns: d) { p[2 * d + $0 * d + $1] }
        let m = t11.scalingColumns(by: delta), nv = v.scalingRows(by: gamma.map { 1 / $0 })
        let (dd, o) = (d * d, 2 * d)
        var j = DoubleMatrix(rows: r.count, columns: 2 * d + dd)
        for i in 0..<d {
            for c in 0..<d {
                let e = i * d + c
                for k in 0..<d {
                    j[e, k] += m[i, k] * pm[k, c]
                    j[e, d + k] += pm[i, k] * nv[k, c]
                    j[e, o + k * d + c] += m[i, k]
                    j[e, o + i * d + k] -= nv[k, c]
                }
            }
        }
        for i in 0..<d {
            j[dd + i, i] = -r0[i] / delta[i]
            j[dd + d + i, d + i] = -l0t12[i] * gamma[i]
            j[dd + 2 * d + i, i] = -s12rV[i] / delta[i]
            j[dd + 3 * d + i, d + i] = -lV[i] * gamma[i]
            for k in 0..<d {
                j[dd + i, o + i * d + k] = t21r0[k]
                j[dd + d + i, o + k * d + i] = l0[k]
                j[dd + 2 * d + i, o + i * d + k] = rV[k]
                j[dd + 3 * d + i, o + k * d + i] = lVs21[k]
            }
        }
        let last = dd + 4 * d
        for k in 0..<(2 * d) { j[last, k] = 1 }
        let charpoly = (last + 1)..<r.count
        for k in 0..<(2 * d) {
            var shifted = p
            let h = 1e-7 * max(1, abs(p[k]))
            shifted[k] += h
            let rk = residual(shifted, signs: signs)
            for e in charpoly { j[e, k] = (rk[e] - r[e]) / h }
        }
        return j
    }

    /// Levenberg's damping `λI` from log-scalings uniform in ±2 and `P` in
    /// ±1; nil unless the residual falls below `NumericDepthTwo.tolerance`.
    /// A start that gains under 10 % in 15 steps is dropped: the converging
    /// ones need about 15 steps in all, the others crawl for hundreds.
    /// Why not Marquardt's `λ·(diag(JᵀJ) + I)`: on nine products at d = 10
    /// it proved 15 of 17 runs (one matrix lost in both regimes); `λI`
    /// proved all of them.
    func solve(signs: [Double], rng: inout SeededGenerator) -> [Double]? {
        let start =
            (0..<(2 * d)).map { _ in 2 * Double(rng.int(in: -1000...1000)) / 1000 }
            + (0..<(d * d)).map { _ in Double(rng.int(in: -1000...1000)) / 1000 }
        let (p, r) = LevenbergMarquardt.minimize(
            from: start,
            options: .init(
                iterations: 60, target: NumericDepthTwo.tolerance / 10, stallWindow: 15, marquardtScaling: false),
            residuals: { residual($0, signs: signs) }, jacobian: { jacobian($0, $1, signs: signs) })
        return LevenbergMarquardt.euclideanNorm(r) < NumericDepthTwo.tolerance ? p : nil
    }

    /// The full system's unknowns `(log|δ|, log|γ|, X, W)` from a solution:
    /// `Z = P⁻¹(Q11 − I)`, `W` and `X` the least-squares solutions of their
    /// two equations each, which leave one direction free each (`Q11` and
    /// `R22` are singular); the full system is affine along both, so two more
    /// evaluations fix them. Nil when a step is singular.
    func fullSystemStart(_ p: [Double], signs: [Double], t: DoubleMatrix, inverse: DoubleMatrix) -> [Double]? {
        let (delta, gamma) = scalings(p, signs: signs)
        let b = FullSystemNumerics.Blocks(t: t, inverse: inverse, scalings: delta + gamma)
        let pm = DoubleMatrix(rows: d, columns: d) { p[2 * d + $0 * d + $1] }
        let one = DoubleMatrix.identity(d)
        guard let z = pm.solve(b.q11 - one) else { return nil }
        // w ↦ (Q11·W, W·R22) and x ↦ (X·Q11, R22·X), row-major.
        let dd = d * d
        var aw = DoubleMatrix(rows: 2 * dd, columns: dd), ax = DoubleMatrix(rows: 2 * dd, columns: dd)
        for i in 0..<d {
            for c in 0..<d {
                for k in 0..<d {
                    aw[i * d + c, k * d + c] += b.q11[i, k]
                    aw[dd + i * d + c, i * d + k] += b.r22[k, c]
                    ax[i * d + c, i * d + k] += b.q11[k, c]
                    ax[dd + i * d + c, k * d + c] += b.r22[i, k]
                }
            }
        }
        let flat = { (m: DoubleMatrix) in m.rowArrays.flatMap { $0 } }
        guard let (w, nw) = Self.leastSquares(aw, flat(b.q12 - pm) + flat(-1 * b.r12 - pm)),
            let (x, nx) = Self.leastSquares(ax, flat(b.q21 - z) + flat(-1 * b.r21 - z))
        else { return nil }
        let logs = Array(p[0..<(2 * d)])
        let f0 = b.residual(x + w), fx = b.residual(zip(x, nx).map(+) + w), fw = b.residual(x + zip(w, nw).map(+))
        let fit = DoubleMatrix(rows: f0.count, columns: 2) { i, k in (k == 0 ? fx[i] : fw[i]) - f0[i] }
        guard let st = fit.transposeTimes(fit).solve(fit.transposeTimes(DoubleMatrix(rows: f0.count, columns: 1, columnMajor: f0)))
        else { return nil }
        return logs + zip(x, nx).map { $0 - st[0, 0] * $1 } + zip(w, nw).map { $0 - st[1, 0] * $1 }
    }

    /// Minimum-norm solution of `A·x ≈ b` over the eigenvalues of `AᵀA`
    /// above `1e-12·λmax`, and the eigenvector of the smallest one (the free
    /// direction).
    static func leastSquares(_ a: DoubleMatrix, _ b: [Double]) -> ([Double], [Double])? {
        guard let (values, vectors) = a.transposeTimes(a).symmetricEigen, let top = values.last, top > 0 else { return nil }
        let rhs = a.transposeTimes(DoubleMatrix(rows: b.count, columns: 1, columnMajor: b))
        let n = a.columns
        var x = [Double](repeating: 0, count: n)
        for k in 0..<n where values[k] > 1e-12 * top {
            let c = (0..<n).reduce(0) { $0 + vectors[$1, k] * rhs[$1, 0] } / values[k]
            for i in 0..<n { x[i] += c * vectors[i, k] }
        }
        return (x, (0..<n).map { vectors[$0, 0] })
    }
}
