import ExactLinearAlgebra
import FloatLinearAlgebra
import Foundation

/// The intertwiner system `G(δ, u, P) = T11·diag(δ)·P − P·diag(u)·V` in
/// binary64 (theory §4a), and the untrusted construction of an
/// `IntertwinerMembership` proof from a numerical solution. Nothing here is
/// trusted: a proof counts only after `IntertwinerMembership.check`.
///
/// Unknowns `x = (δ, u, P row-major)` as in `IntertwinerMembership`.
struct IntertwinerNumerics {
    let d: Int
    let t11: DoubleMatrix
    let v: DoubleMatrix

    init(t11: [Double], v: [Double], d: Int) {
        self.d = d
        self.t11 = DoubleMatrix(rows: d, columns: d) { t11[$0 * d + $1] }
        self.v = DoubleMatrix(rows: d, columns: d) { v[$0 * d + $1] }
    }

    func parts(_ x: [Double]) -> (m: DoubleMatrix, n: DoubleMatrix, p: DoubleMatrix) {
        (
            t11.scalingColumns(by: Array(x[0..<d])), v.scalingRows(by: Array(x[d..<(2 * d)])),
            DoubleMatrix(rows: d, columns: d) { x[2 * d + $0 * d + $1] }
        )
    }

    /// `G` row-major, and its size relative to `|M||P| + |P||N|`: a residual
    /// that does not shrink by rescaling `P`, `δ` or `u`.
    func residual(_ x: [Double]) -> (g: [Double], relative: Double) {
        let (m, n, p) = parts(x)
        let g = m * p - p * n
        let scale = m.frobeniusNorm * p.frobeniusNorm + p.frobeniusNorm * n.frobeniusNorm
        return ((0..<(d * d)).map { g[$0 / d, $0 % d] }, g.frobeniusNorm / max(scale, .leastNormalMagnitude))
    }

    /// `∂G/∂x`, `d² × (d² + 2d)` (the same formulas as the exact checker).
    func jacobian(_ x: [Double]) -> DoubleMatrix {
        let (m, n, p) = parts(x)
        var j = DoubleMatrix(rows: d * d, columns: d * d + 2 * d)
        for i in 0..<d {
            for c in 0..<d {
                let row = i * d + c
                for k in 0..<d {
                    j[row, k] += t11[i, k] * p[k, c]
                    j[row, d + k] -= p[i, k] * v[k, c]
                    j[row, 2 * d + k * d + c] += m[i, k]
                    j[row, 2 * d + i * d + k] -= n[k, c]
                }
            }
        }
        return j
    }

    /// A start for `P`: the combination of the `d` smallest right singular
    /// vectors of `P ↦ MP − PN` with the best-conditioned `P`.
    func start(delta: [Double], u: [Double], rng: inout SeededGenerator) -> [Double]? {
        let x0 = delta + u + [Double](repeating: 0, count: d * d)
        let (m, n, _) = parts(x0)
        let l = DoubleMatrix(rows: d * d, columns: d * d) { r, c in
            let (i, j, k, l) = (r / d, r % d, c / d, c % d)
            return (j == l ? m[i, k] : 0) - (i == k ? n[l, j] : 0)
        }
        guard let svd = l.singularValueDecomposition else { return nil }
        var best: (Double, [Double])? = nil
        for _ in 0..<8 {
            let coefficients = (0..<d).map { _ in Double(rng.int(in: -1000...1000)) / 1000 }
            var p = [Double](repeating: 0, count: d * d)
            for (t, a) in coefficients.enumerated() { for e in 0..<(d * d) { p[e] += a * svd.vt[d * d - 1 - t, e] } }
            let norm = sqrt(p.reduce(0) { $0 + $1 * $1 } / Double(d))
            guard norm > 0 else { continue }
            let pm = DoubleMatrix(rows: d, columns: d) { p[$0 * d + $1] / norm }
            let condition = pm.conditionNumber
            if condition.isFinite, best == nil || condition < best!.0 { best = (condition, pm.rowArrays.flatMap { $0 }) }
        }
        return best.map { delta + u + $0.1 }
    }

    /// Minimum-norm Levenberg–Marquardt on the underdetermined system `G = 0`
    /// (keeps the scalings' signs: a step that flips one is refused).
    func polish(_ x0: [Double], iterations: Int = 40) -> (x: [Double], relative: Double) {
        var x = x0, (g, relative) = residual(x0), lambda = 1e-8
        for _ in 0..<iterations where relative > 1e-15 {
            let j = jacobian(x)
            var improved = false
            for _ in 0..<8 {
                let gram = j.timesTranspose(j) + lambda * .identity(d * d)
                guard let y = gram.solve(DoubleMatrix(rows: d * d, columns: 1) { i, _ in g[i] }) else { lambda *= 100; continue }
                let step = j.transposeTimes(y)
                let candidate = (0..<x.count).map { x[$0] - step[$0, 0] }
                let (gc, rc) = residual(candidate)
                if rc < relative, (0..<(2 * d)).allSatisfy({ (candidate[$0] > 0) == (x[$0] > 0) }) {
                    x = candidate; g = gc; relative = rc; lambda = max(lambda / 10, 1e-14); improved = true; break
                }
                lambda *= 100
            }
            if !improved { break }
        }
        return (x, relative)
    }

    /// Relative Frobenius residual `‖N-(X)N+(Y)N-(Z)N+(W) − TΔ‖ / ‖TΔ‖` of the
    /// depth-2 factorization that §4.5 builds from `x` (`Y = P`,
    /// `Z = P⁻¹(M − I)`, `W = M⁻¹(T12Δ2 − Y)`, `X = (T21Δ1 − Z)M⁻¹`).
    static func productResidual(_ t: [Double], d: Int, x: [Double]) -> Double? {
        let full = DoubleMatrix(rows: 2 * d, columns: 2 * d) { t[$0 * 2 * d + $1] }
        let scale = Array(x[0..<d]) + x[d..<(2 * d)].map { 1 / $0 }
        let td = full.scalingColumns(by: scale)
        let m = td.block(rows: 0..<d, columns: 0..<d), eye = DoubleMatrix.identity(d)
        let y = DoubleMatrix(rows: d, columns: d) { x[2 * d + $0 * d + $1] }
        guard let z = y.solve(m - eye), let w = m.solve(td.block(rows: 0..<d, columns: d..<(2 * d)) - y),
            let xx = m.solveFromRight(td.block(rows: d..<(2 * d), columns: 0..<d) - z)
        else { return nil }
        let upper = eye + y * z
        let product = DoubleMatrix.blocks(upper, upper * w + y, xx * upper + z, xx * upper * w + xx * y + z * w + eye)
        let r = (product - td).frobeniusNorm / td.frobeniusNorm
        return r.isFinite ? r : nil
    }
}

extension IntertwinerMembership {
    /// Builds and checks a proof from a numerical solution `x` (untrusted
    /// input): gauge, Newton on the square system, preconditioner, radius.
    /// Nil when the exact check does not pass.
    static func prove(_ t: RationalMatrix, regime: Regime, x x0: [Double]) -> IntertwinerMembership? {
        let b = BlockView(t)
        let d = b.d, m = d * d, n = m + 2 * d
        guard d <= maximumD, let inverse = t.inverse() else { return nil }
        let v = inverse.block(rows: d..<(2 * d), columns: d..<(2 * d))
        let s = IntertwinerNumerics(t11: b.t11.entries.map(\.doubleValue), v: v.entries.map(\.doubleValue), d: d)
        var j = s.jacobian(x0)
        guard let fixed = gauge(j) else { return nil }
        let free = (0..<n).filter { !fixed.contains($0) }
        var x = x0
        for k in fixed { x[k] = dyadic(x0[k], bits: 20).doubleValue }
        // Newton on the square system in the free coordinates.
        for _ in 0..<8 {
            j = s.jacobian(x)
            let jf = DoubleMatrix(rows: m, columns: m) { j[$0, free[$1]] }
            let g = s.residual(x).g
            guard let step = jf.solve(DoubleMatrix(rows: m, columns: 1) { i, _ in g[i] }) else { return nil }
            for (a, k) in free.enumerated() { x[k] -= step[a, 0] }
            if (0..<m).allSatisfy({ abs(step[$0, 0]) <= 1e-15 * abs(x[free[$0]]) }) { break }
        }
        j = s.jacobian(x)
        guard let r = DoubleMatrix(rows: m, columns: m, { j[$0, free[$1]] }).inverse(),
            let q = DoubleMatrix(rows: d, columns: d, { x[2 * d + $0 * d + $1] }).inverse()
        else { return nil }
        let center = (0..<n).map { fixed.contains($0) ? dyadic(x0[$0], bits: 20) : Rational(exactly: x[$0]) ?? .zero }
        let preconditioner = RationalMatrix(rows: m, columns: m) { dyadic(r[$0, $1], bits: 32) }
        let pInverse = RationalMatrix(rows: d, columns: d) { dyadic(q[$0, $1], bits: 32) }
        let terms = Self.terms(t11: b.t11, v: v, center: center, fixed: fixed, r: preconditioner)
        guard let k = KrawczykInclusion.radiusExponent(terms) else { return nil }
        let proof = IntertwinerMembership(
            fixed: fixed, center: center, radius: .powerOfTwo(k),
            preconditioner: preconditioner, pInverse: pInverse)
        return (try? proof.check(t, regime: regime)) != nil ? proof : nil
    }

    /// The gauge of an `m × n` Jacobian (solution set locally of dimension
    /// `n − m`): the `n − m` coordinates along which it moves most, by column
    /// pivoting on a null-space basis (the last right singular vectors of `J`
    /// padded to square), sorted. Fixing them leaves a square system.
    static func gauge(_ j: DoubleMatrix) -> [Int]? {
        let (m, n) = (j.rows, j.columns)
        let padded = DoubleMatrix(rows: n, columns: n) { $0 < m ? j[$0, $1] : 0 }
        guard let svd = padded.singularValueDecomposition else { return nil }
        var null = (m..<n).map { r in (0..<n).map { svd.vt[r, $0] } }
        var fixed: [Int] = []
        for _ in 0..<(n - m) {
            let norms = (0..<n).map { c in fixed.contains(c) ? -1 : null.reduce(0) { $0 + $1[c] * $1[c] } }
            let c = norms.indices.max { norms[$0] < norms[$1] }!
            fixed.append(c)
            // Remove the direction that moves coordinate c from the basis.
            let pivotRow = null.indices.max { abs(null[$0][c]) < abs(null[$1][c]) }!
            let pivot = null[pivotRow]
            null.remove(at: pivotRow)
            null = null.map { row in
                let f = row[c] / pivot[c]; return zip(row, pivot).map { $0 - f * $1 }
            }
        }
        return fixed.sorted()
    }

    /// `x` rounded to a dyadic rational with `bits` significant bits.
    static func dyadic(_ x: Double, bits: Int) -> Rational {
        guard x != 0, x.isFinite else { return .zero }
        // x = significand · 2^exponent; scaling the significand (not x)
        // cannot overflow when x is tiny (x · 2^(bits−1−exponent) did, for
        // |x| < 2^(bits−1024), and crashed the d = 4 signed permutation search).
        let e = Int(x.exponent) - bits + 1
        let mantissa = Double(sign: x.sign, exponent: bits - 1, significand: x.significand).rounded()
        return Rational(exactly: mantissa)! * .powerOfTwo(e)
    }
}
