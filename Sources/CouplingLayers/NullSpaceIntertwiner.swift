import FloatLinearAlgebra
import Foundation

/// The intertwiner system of theory §4a carried over to singular `T11`
/// (theory §4c): the untrusted search behind the full-system proofs of
/// `FullSystemMembership` when `T11` has rank `d − k`, `1 <= k < d`.
///
/// With `Q = TΔ`, `R = Q⁻¹` and `TΔ = N−(X)N+(P)N−(Z)N+(W)`, the blocks give
/// `Q11 = I + PZ`, `R22 = I + ZP`, so `Q11·P = P·R22` as for invertible
/// `T11`; but `Q11 = T11Δ1` and `R22 = Δ2⁻¹V` are now singular, and
/// `Q11·W = Q12 − P`, `X·Q11 = Q21 − Z`, `W·R22 = −R12 − P`,
/// `R22·X = −R21 − Z` are solvable only if `P` satisfies four linear
/// conditions per null vector (`T11·r0 = 0`, `ℓ0ᵀT11 = 0`, `V·rV = 0`,
/// `ℓVᵀV = 0`, `S = T⁻¹`; `T11` and `V` have the same corank):
///
///     P·T21·r0 = −Δ1⁻¹r0      ℓ0ᵀP = ℓ0ᵀT12Δ2
///     P·rV = −Δ1⁻¹S12·rV      ℓVᵀS21·P = ℓVᵀΔ2
///
/// With `det(TΔ) = 1` and the characteristic-polynomial equations of §4.2
/// (without them the search lands on singular `P`), these are the
/// equations here: `d² + 2d` unknowns `(log|δ|, log|γ|, P)` instead of the
/// full system's `2d² + 2d`. Why: on products of two pairs with `T11` of
/// rank `d − 1` at d = 10, 2 in 10 random starts of this system converge,
/// in about 15 steps; on the same matrix none of 8 starts of the full
/// system converged in 1500 steps each: its iterates run off to
/// `‖X‖, ‖W‖ → ∞` with `F1 = 0`.
/// Nothing here is trusted: a solution counts only through
/// `FullSystemMembership.check`.
struct NullSpaceIntertwiner {
    let d: Int
    /// The corank of `T11` (and of `V`): each null vector adds its four
    /// conditions.
    let k: Int
    let t11, v: DoubleMatrix
    /// Per null vector: `T21·r0`, `ℓ0ᵀT12`, `S12·rV`, `ℓVᵀS21` and the
    /// null vectors themselves.
    let t21r0, l0t12, s12rV, lVs21, r0, l0, rV, lV: [[Double]]
    let logDeterminant: Double

    /// Nil unless `T11` and `V` have the same corank `1 <= k < d` in binary64
    /// (the `k` smallest singular values below `1e-12·σ1`, the next above
    /// `1e-8·σ1`) and `det T > 0`.
    init?(t: DoubleMatrix, inverse: DoubleMatrix) {
        let n = t.rows, h = n / 2
        d = h
        let (low, high) = (0..<h, h..<n)
        t11 = t.block(rows: low, columns: low)
        v = inverse.block(rows: high, columns: high)
        let corank = { (s: [Double]) -> Int? in
            let k = s.filter { $0 <= 1e-12 * s[0] }.count
            return k >= 1 && k < h && s[h - k - 1] > 1e-8 * s[0] ? k : nil
        }
        guard h >= 2, let (u1, s1, vt1) = t11.singularValueDecomposition, let (u2, s2, vt2) = v.singularValueDecomposition,
            let k1 = corank(s1), corank(s2) == k1, let determinant = t.determinantEstimate, determinant.sign > 0
        else { return nil }
        k = k1
        let null = (h - k1)..<h
        r0 = null.map { vt1.row($0) }
        l0 = null.map { c in (0..<h).map { u1[$0, c] } }
        rV = null.map { vt2.row($0) }
        lV = null.map { c in (0..<h).map { u2[$0, c] } }
        let column = { (m: DoubleMatrix, x: [Double]) in (0..<h).map { i in (0..<h).reduce(0) { $0 + m[i, $1] * x[$1] } } }
        let row = { (x: [Double], m: DoubleMatrix) in (0..<h).map { j in (0..<h).reduce(0) { $0 + x[$1] * m[$1, j] } } }
        let (t12, t21) = (t.block(rows: low, columns: high), t.block(rows: high, columns: low))
        let (s12, s21) = (inverse.block(rows: low, columns: high), inverse.block(rows: high, columns: low))
        t21r0 = r0.map { column(t21, $0) }
        l0t12 = l0.map { row($0, t12) }
        s12rV = rV.map { column(s12, $0) }
        lVs21 = lV.map { row($0, s21) }
        logDeterminant = determinant.log2Magnitude * M_LN2
    }

    /// Unknowns `p = (log|δ|, log|γ|, P row-major)`; `δ, γ` carry `signs`.
    func scalings(_ p: [Double], signs: [Double]) -> (delta: [Double], gamma: [Double]) {
        ((0..<d).map { signs[$0] * exp(p[$0]) }, (0..<d).map { signs[d + $0] * exp(p[d + $0]) })
    }

    /// The `d²` intertwiner equations, the `4dk` null-vector conditions,
    /// `log|det(TΔ)|`, then the first `d − k` normalised
    /// characteristic-polynomial differences of `NumericDepthTwo` (the last
    /// `k` coefficients vanish on both sides). A `det(TΔ) < 0` sign pattern never
    /// solves it: the caller fixes signs with `Π signs = 1`.
    func residual(_ p: [Double], signs: [Double]) -> [Double] {
        let (delta, gamma) = scalings(p, signs: signs)
        let pm = DoubleMatrix(rows: d, columns: d) { p[2 * d + $0 * d + $1] }
        let m = t11.scalingColumns(by: delta), nv = v.scalingRows(by: gamma.map { 1 / $0 })
        var r = (m * pm - pm * nv).rowArrays.flatMap { $0 }
        for a in 0..<k {
            for i in 0..<d { r.append((0..<d).reduce(0) { $0 + pm[i, $1] * t21r0[a][$1] } + r0[a][i] / delta[i]) }
            for j in 0..<d { r.append((0..<d).reduce(0) { $0 + l0[a][$1] * pm[$1, j] } - l0t12[a][j] * gamma[j]) }
            for i in 0..<d { r.append((0..<d).reduce(0) { $0 + pm[i, $1] * rV[a][$1] } + s12rV[a][i] / delta[i]) }
            for j in 0..<d { r.append((0..<d).reduce(0) { $0 + lVs21[a][$1] * pm[$1, j] } - lV[a][j] * gamma[j]) }
        }
        r.append(p[0..<(2 * d)].reduce(0, +) + logDeterminant)
        let left = NumericDepthTwo.characteristicCoefficients(m.rowArrays.flatMap { $0 }, d)
        let right = NumericDepthTwo.characteristicCoefficients(nv.rowArrays.flatMap { $0 }, d)
        for j in 0..<(d - k) { r.append((left[j] - right[j]) / (1 + abs(left[j]) + abs(right[j]))) }
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
                for l in 0..<d {
                    j[e, l] += m[i, l] * pm[l, c]
                    j[e, d + l] += pm[i, l] * nv[l, c]
                    j[e, o + l * d + c] += m[i, l]
                    j[e, o + i * d + l] -= nv[l, c]
                }
            }
        }
        for a in 0..<k {
            let base = dd + 4 * d * a
            for i in 0..<d {
                j[base + i, i] = -r0[a][i] / delta[i]
                j[base + d + i, d + i] = -l0t12[a][i] * gamma[i]
                j[base + 2 * d + i, i] = -s12rV[a][i] / delta[i]
                j[base + 3 * d + i, d + i] = -lV[a][i] * gamma[i]
                for l in 0..<d {
                    j[base + i, o + i * d + l] = t21r0[a][l]
                    j[base + d + i, o + l * d + i] = l0[a][l]
                    j[base + 2 * d + i, o + i * d + l] = rV[a][l]
                    j[base + 3 * d + i, o + l * d + i] = lVs21[a][l]
                }
            }
        }
        let last = dd + 4 * d * k
        for l in 0..<(2 * d) { j[last, l] = 1 }
        let charpoly = (last + 1)..<r.count
        for l in 0..<(2 * d) {
            var shifted = p
            let h = 1e-7 * max(1, abs(p[l]))
            shifted[l] += h
            let rl = residual(shifted, signs: signs)
            for e in charpoly { j[e, l] = (rl[e] - r[e]) / h }
        }
        return j
    }

    /// Levenberg's damping `λI` from log-scalings uniform in ±2 and `P` in
    /// ±1; nil unless the residual falls below `NumericDepthTwo.tolerance`.
    /// A start that gains under 10 % in 25 steps is dropped, and none runs
    /// past 200: most converging starts need 15–40 steps, the others crawl
    /// for hundreds. At 60 steps and a window of 15, all 64 starts on a
    /// `T11` of rank `d − 2` (d = 8) stopped above 2e-2; at these limits the
    /// fifteenth converged.
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
                iterations: 200, target: NumericDepthTwo.tolerance / 10, stallWindow: 25, marquardtScaling: false),
            residuals: { residual($0, signs: signs) }, jacobian: { jacobian($0, $1, signs: signs) })
        return LevenbergMarquardt.euclideanNorm(r) < NumericDepthTwo.tolerance ? p : nil
    }

    /// The full system's unknowns `(log|δ|, log|γ|, X, W)` from a solution:
    /// `Z = P⁻¹(Q11 − I)`, `W` and `X` the least-squares solutions of their
    /// two equations each, which leave `k²` directions free each
    /// (`r·ℓᵀ` for null vectors of `Q11` and `R22`); the full system is
    /// affine along them, so `2k²` more evaluations fix them. Nil when a
    /// step is singular.
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
                for l in 0..<d {
                    aw[i * d + c, l * d + c] += b.q11[i, l]
                    aw[dd + i * d + c, i * d + l] += b.r22[l, c]
                    ax[i * d + c, i * d + l] += b.q11[l, c]
                    ax[dd + i * d + c, l * d + c] += b.r22[i, l]
                }
            }
        }
        let flat = { (m: DoubleMatrix) in m.rowArrays.flatMap { $0 } }
        let free = k * k
        guard let (w, nw) = Self.leastSquares(aw, flat(b.q12 - pm) + flat(-1 * b.r12 - pm), free: free),
            let (x, nx) = Self.leastSquares(ax, flat(b.q21 - z) + flat(-1 * b.r21 - z), free: free)
        else { return nil }
        let f0 = b.residual(x + w)
        let directions = nx.map { $0 + [Double](repeating: 0, count: dd) } + nw.map { [Double](repeating: 0, count: dd) + $0 }
        let point = x + w
        let columns = directions.map { n in zip(b.residual(zip(point, n).map(+)), f0).map(-) }
        // Minimum norm: some directions may not move F at all (the fibre).
        let fit = DoubleMatrix(rows: f0.count, columns: columns.count) { i, c in columns[c][i] }
        guard let (st, _) = Self.leastSquares(fit, f0, free: 0) else { return nil }
        let fitted = directions.enumerated().reduce(point) { sum, e in zip(sum, e.element).map { $0 - st[e.offset] * $1 } }
        return Array(p[0..<(2 * d)]) + fitted
    }

    /// Minimum-norm solution of `A·x ≈ b` over the eigenvalues of `AᵀA`
    /// above `1e-12·λmax`, and the eigenvectors of the `free` smallest (the
    /// free directions).
    static func leastSquares(_ a: DoubleMatrix, _ b: [Double], free: Int) -> ([Double], [[Double]])? {
        guard let (values, vectors) = a.transposeTimes(a).symmetricEigen, let top = values.last, top > 0 else { return nil }
        let rhs = a.transposeTimes(DoubleMatrix(rows: b.count, columns: 1, columnMajor: b))
        let n = a.columns
        var x = [Double](repeating: 0, count: n)
        for l in 0..<n where values[l] > 1e-12 * top {
            let c = (0..<n).reduce(0) { $0 + vectors[$1, l] * rhs[$1, 0] } / values[l]
            for i in 0..<n { x[i] += c * vectors[i, l] }
        }
        return (x, (0..<free).map { l in (0..<n).map { vectors[$0, l] } })
    }
}
