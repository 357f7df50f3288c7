import ExactLinearAlgebra
import FloatLinearAlgebra
import Foundation

/// The full depth-2 system of theory §4c in binary64, for singular `T11`
/// (where the intertwiner system does not apply and the
/// characteristic-polynomial equations are only necessary), and the
/// untrusted construction of a `FullSystemMembership` proof from its
/// solution. Nothing here is trusted: a proof counts only after
/// `FullSystemMembership.check`.
///
/// Unknowns: log-magnitudes of the scalings `Δ = diag(δ, ε)` (signs fixed
/// per start) and `X, W`; equations the lower-right and upper-left blocks
/// of theory §4c, `F1 = (N−(−X)·TΔ·N+(−W))22 − I` and
/// `F2 = (N+(W)·(TΔ)⁻¹·N−(X))11 − I`. Why this form and not the four
/// blocks `X, Y, Z, W` of the product (searched before, up to d = 4):
/// `2d² + 2d` unknowns instead of `4d² + 2d`, and bilinear equations. On
/// products of two pairs with singular `T11` (d = 3, 4) a random start
/// converged, where the old search stalled at 4e-5.
enum FullSystemNumerics {
    /// Dense Gauss–Newton on `2d² + 2d` unknowns; the proof's budget.
    static let maximumD = FullSystemMembership.maximumD

    /// Gauss–Newton steps per start: the residual crawls along valleys
    /// (scipy's trust-region solver took 600–1200 Jacobians at d = 8 on
    /// products of two pairs with singular `T11`, three starts in four).
    /// A start ends earlier when `‖F‖` gains less than 1 % over
    /// `stallWindow` steps: the starts that failed sat at `‖F‖ ≈ 1` from
    /// step 300 on, the ones that converged never gained less than 10 % per
    /// 100 steps.
    static let iterationLimit = 1500
    static let stallWindow = 200

    struct Solution {
        var scalings: [Double]
        /// `(X row-major, W row-major)`.
        var x: [Double]
        /// `‖N−(X)N+(B)N−(C)N+(W) − TΔ‖_F / ‖TΔ‖_F` of the factorization the
        /// solution implies: evidence of the real question.
        var productResidual: Double

        /// The coordinates of `FullSystemMembership`: `(X, U)` row-major with
        /// `U = diag(δ)·W·diag(ε)⁻¹`.
        var membershipPoint: [Double] {
            let d = scalings.count / 2
            return Array(x[0..<(d * d)]) + (0..<(d * d)).map { e in scalings[e / d] * x[d * d + e] / scalings[d + e % d] }
        }
    }

    /// The blocks of `Q = TΔ` and `R = Q⁻¹` in binary64.
    struct Blocks {
        let d: Int
        let q11, q12, q21, q22, r11, r12, r21, r22: DoubleMatrix

        /// Unit scalings: `F1, F2` are then `M1 − I, M2 − I` of
        /// `FullSystemMembership`, with the same off-diagonal equations and
        /// Jacobian.
        init(unitScalings t: RationalMatrix, inverse: RationalMatrix) {
            let n = t.rows
            self.init(
                t: DoubleMatrix(rows: n, columns: n) { t[$0, $1].doubleValue },
                inverse: DoubleMatrix(rows: n, columns: n) { inverse[$0, $1].doubleValue },
                scalings: [Double](repeating: 1, count: n))
        }

        init(t: DoubleMatrix, inverse: DoubleMatrix, scalings: [Double]) {
            let n = t.rows
            d = n / 2
            let q = t.scalingColumns(by: scalings), r = inverse.scalingRows(by: scalings.map { 1 / $0 })
            let (low, high) = (0..<d, d..<n)
            (q11, q12, q21, q22) = (
                q.block(rows: low, columns: low), q.block(rows: low, columns: high),
                q.block(rows: high, columns: low), q.block(rows: high, columns: high)
            )
            (r11, r12, r21, r22) = (
                r.block(rows: low, columns: low), r.block(rows: low, columns: high),
                r.block(rows: high, columns: low), r.block(rows: high, columns: high)
            )
        }

        func unknowns(_ x: [Double]) -> (x: DoubleMatrix, w: DoubleMatrix) {
            let m = d * d
            return (DoubleMatrix(rows: d, columns: d) { x[$0 * d + $1] }, DoubleMatrix(rows: d, columns: d) { x[m + $0 * d + $1] })
        }

        /// `(F1, F2)` row-major, as `FullSystemMembership.System.residual`.
        func residual(_ x: [Double]) -> [Double] {
            let (xm, w) = unknowns(x)
            let one = DoubleMatrix.identity(d)
            let f1 = q22 - xm * q12 - q21 * w + xm * q11 * w - one
            let f2 = r11 + w * r21 + r12 * xm + w * r22 * xm - one
            return f1.rowArrays.flatMap { $0 } + f2.rowArrays.flatMap { $0 }
        }

        /// Dense `∂F/∂(X, W)` (the formulas of `FullSystemMembership`).
        func jacobian(_ x: [Double]) -> DoubleMatrix {
            let (xm, w) = unknowns(x)
            let m = d * d
            let a1 = q11 * w - q12, b1 = xm * q11 - q21, a2 = r21 + r22 * xm, b2 = r12 + w * r22
            var j = DoubleMatrix(rows: 2 * m, columns: 2 * m)
            for i in 0..<d {
                for c in 0..<d {
                    for l in 0..<d {
                        j[i * d + c, i * d + l] += a1[l, c]
                        j[i * d + c, m + l * d + c] += b1[i, l]
                        j[m + i * d + c, m + i * d + l] += a2[l, c]
                        j[m + i * d + c, l * d + c] += b2[i, l]
                    }
                }
            }
            return j
        }
    }

    /// `∂F/∂(log|δ|, log|ε|)`, `2d² × 2d`: the scalings scale `Q`'s columns
    /// and `R`'s rows, so `∂F1/∂a_k = (X·Q11 − Q21)[:, k]·W[k, :]`,
    /// `∂F1/∂b_k = (Q22 − X·Q12)[:, k]·e_kᵀ`, `∂F2/∂a_k = −e_k·(R11 + R12·X)[k, :]`,
    /// `∂F2/∂b_k = −W[:, k]·(R21 + R22·X)[k, :]`.
    static func scalingJacobian(_ b: Blocks, _ x: [Double]) -> DoubleMatrix {
        let d = b.d, m = d * d
        let (xm, w) = b.unknowns(x)
        let p1 = xm * b.q11 - b.q21, p2 = b.q22 - xm * b.q12, p3 = b.r11 + b.r12 * xm, p4 = b.r21 + b.r22 * xm
        var j = DoubleMatrix(rows: 2 * m, columns: 2 * d)
        for k in 0..<d {
            for i in 0..<d {
                for c in 0..<d {
                    j[i * d + c, k] += p1[i, k] * w[k, c]
                    if c == k { j[i * d + c, d + k] += p2[i, k] }
                    if i == k { j[m + i * d + c, k] -= p3[k, c] }
                    j[m + i * d + c, d + k] -= w[i, k] * p4[k, c]
                }
            }
        }
        return j
    }

    /// Damped minimum-norm Gauss–Newton on `F(log|δ|, log|ε|, X, W) = 0`
    /// (`2d² + 2d` unknowns, `2d²` equations) from random log-scalings in
    /// ±2 and `X, W` in ±1, signs `signs`, each step taken from `budget`;
    /// nil unless it reaches a residual
    /// below `NumericDepthTwo.tolerance` with scalings within
    /// `e^±maximumLogScaling`. Why not the generic `LevenbergMarquardt`:
    /// with its forward differences and Marquardt scaling it stalled near
    /// `‖F‖ = 1` at d = 6, where these steps converge in a few dozen.
    static func solve(t: DoubleMatrix, inverse: DoubleMatrix, signs: [Double], rng: inout SeededGenerator, budget: inout Int)
        -> Solution?
    {
        let d = t.rows / 2, m = d * d
        let start =
            (0..<(2 * d)).map { _ in 2 * Double(rng.int(in: -1000...1000)) / 1000 }
            + (0..<(2 * m)).map { _ in Double(rng.int(in: -1000...1000)) / 1000 }
        return solve(t: t, inverse: inverse, signs: signs, from: start, budget: &budget)
    }

    /// The same steps from `start = (log|δ|, log|ε|, X, W)`, towards
    /// `NumericDepthTwo.tolerance`; nil unless the residual ends below
    /// `tolerance`.
    static func solve(
        t: DoubleMatrix, inverse: DoubleMatrix, signs: [Double], from start: [Double], budget: inout Int,
        tolerance: Double = NumericDepthTwo.tolerance
    ) -> Solution? {
        let d = t.rows / 2, m = d * d
        var p = start
        let scalings = { (p: [Double]) in (0..<(2 * d)).map { signs[$0] * exp(p[$0]) } }
        func evaluate(_ p: [Double]) -> (Blocks, [Double], Double) {
            let b = Blocks(t: t, inverse: inverse, scalings: scalings(p))
            let f = b.residual(Array(p[(2 * d)...]))
            return (b, f, LevenbergMarquardt.euclideanNorm(f))
        }
        var (blocks, f, norm) = evaluate(p)
        var lambda = 1e-3
        var history: [Double] = []
        for step in 0..<iterationLimit where norm >= NumericDepthTwo.tolerance && norm.isFinite && budget > 0 {
            budget -= 1
            history.append(norm)
            if step >= stallWindow, norm > 0.99 * history[step - stallWindow] { break }
            let x = Array(p[(2 * d)...])
            let j = DoubleMatrix.horizontal([scalingJacobian(blocks, x), blocks.jacobian(x)])
            var improved = false
            for _ in 0..<10 {
                let gram = j.timesTranspose(j) + lambda * .identity(2 * m)
                guard let y = gram.solve(DoubleMatrix(rows: 2 * m, columns: 1, columnMajor: f)) else { lambda *= 10; continue }
                let step = j.transposeTimes(y)
                let candidate = (0..<p.count).map { p[$0] - step[$0, 0] }
                let next = evaluate(candidate)
                if next.2 < norm {
                    (p, blocks, f, norm) = (candidate, next.0, next.1, next.2)
                    lambda = Swift.max(lambda / 10, 1e-15)
                    improved = true
                    break
                }
                lambda *= 10
            }
            if !improved { break }
        }
        let shift = p[0..<d].reduce(0, +) / Double(d)
        guard norm < tolerance,
            (p[0..<d].map { $0 - shift } + p[d..<(2 * d)].map { $0 + shift }).allSatisfy({ abs($0) <= NumericDepthTwo.maximumLogScaling })
        else { return nil }
        let s = scalings(p), x = Array(p[(2 * d)...])
        return Solution(scalings: s, x: x, productResidual: productResidual(t: t, scalings: s, x: x))
    }

    /// The factorization a solution implies: `M = N−(−X)·TΔ·N+(−W)`,
    /// `B = M12`, `C = M21`, and `N−(X)N+(B)N−(C)N+(W)` against `TΔ`.
    static func productResidual(t: DoubleMatrix, scalings: [Double], x: [Double]) -> Double {
        let d = t.rows / 2, m = d * d
        let xm = DoubleMatrix(rows: d, columns: d) { x[$0 * d + $1] }, w = DoubleMatrix(rows: d, columns: d) { x[m + $0 * d + $1] }
        let (zero, one) = (DoubleMatrix(rows: d, columns: d), DoubleMatrix.identity(d))
        let q = t.scalingColumns(by: scalings)
        let lower = { (a: DoubleMatrix) in DoubleMatrix.blocks(one, zero, a, one) }
        let upper = { (a: DoubleMatrix) in DoubleMatrix.blocks(one, a, zero, one) }
        let mm = lower(-1 * xm) * q * upper(-1 * w)
        let b = mm.block(rows: 0..<d, columns: d..<(2 * d)), c = mm.block(rows: d..<(2 * d), columns: 0..<d)
        let r = (lower(xm) * upper(b) * lower(c) * upper(w) - q).frobeniusNorm / q.frobeniusNorm
        return r.isFinite ? r : .infinity
    }
}

extension FullSystemMembership {
    /// Builds and checks a proof from a numerical solution of the full
    /// system (untrusted): `U = diag(δ)·W·diag(ε)⁻¹`, the gauge, Newton on
    /// the square off-diagonal system in binary64, then Newton steps against
    /// the exact values so that the center is good beyond binary64 (an
    /// ill-conditioned square Jacobian needs that), the
    /// inverse Jacobian as preconditioner, and the smallest contracting
    /// power-of-two radius. Nil unless the exact check passes.
    static func prove(_ t: RationalMatrix, inverse: RationalMatrix, regime: Regime, solution: FullSystemNumerics.Solution)
        -> FullSystemMembership?
    {
        let d = t.rows / 2, n = 2 * d * d
        guard d <= maximumD else { return nil }
        let system = System(t, inverse: inverse)
        let numerics = FullSystemNumerics.Blocks(unitScalings: t, inverse: inverse)
        var x = solution.membershipPoint
        let equations = offDiagonals(d)
        let square = { (j: DoubleMatrix, free: [Int]) in
            DoubleMatrix(rows: free.count, columns: free.count) { j[equations[$0], free[$1]] }
        }
        let j0 = numerics.jacobian(x)
        guard let fixed = IntertwinerMembership.gauge(DoubleMatrix(rows: equations.count, columns: n) { j0[equations[$0], $1] })
        else { return nil }
        let free = Self.free(fixed, n: n)
        for k in fixed { x[k] = IntertwinerMembership.dyadic(x[k], bits: 20).doubleValue }
        for _ in 0..<8 {
            let f = numerics.residual(x)
            guard
                let step = square(numerics.jacobian(x), free).solve(DoubleMatrix(rows: free.count, columns: 1) { i, _ in f[equations[i]] })
            else { return nil }
            for (a, k) in free.enumerated() { x[k] -= step[a, 0] }
            if (0..<free.count).allSatisfy({ abs(step[$0, 0]) <= 1e-15 * Swift.max(abs(x[free[$0]]), 1) }) { break }
        }
        let jacobian = square(numerics.jacobian(x), free)
        guard let r = jacobian.inverse() else { return nil }
        var center = x.map { Rational(exactly: $0) ?? .zero }
        // Each step gains about κ(J)·u; steps below 2⁻¹⁵⁰ would only push
        // the center past the 256-bit number budget.
        for _ in 0..<6 {
            let values = system.values(center)
            let f = equations.map { values[$0].doubleValue }
            guard let step = jacobian.solve(DoubleMatrix(rows: free.count, columns: 1, columnMajor: f)),
                step.entries.contains(where: { abs($0) >= 0x1p-150 })
            else { break }
            for (a, k) in free.enumerated() { center[k] -= IntertwinerMembership.dyadic(step[a, 0], bits: 40) }
        }
        let preconditioner = RationalMatrix(rows: free.count, columns: free.count) { IntertwinerMembership.dyadic(r[$0, $1], bits: 32) }
        let values = system.values(center), rows = system.jacobianRows(center, free: free)
        let terms = KrawczykInclusion.terms(
            f: equations.map { values[$0] }, rows: equations.map { rows[$0] }, s: equations.map(system.weight), r: preconditioner)
        guard let k = KrawczykInclusion.radiusExponent(terms) else { return nil }
        let proof = FullSystemMembership(fixed: fixed, center: center, radius: .powerOfTwo(k), preconditioner: preconditioner)
        return (try? proof.check(t, regime: regime)) != nil ? proof : nil
    }
}
