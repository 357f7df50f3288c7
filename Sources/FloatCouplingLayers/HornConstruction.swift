import Foundation
import FloatLinearAlgebra

/// Depth 3 (and 4) in `O(d³)` with an *orthogonal* commutator step
/// (docs/theory.md §6, "Depth 3, well conditioned").
///
/// With `E = T11·Y − T12` and `V = (T⁻¹)22`, every `C` with
/// `T11·C = E·V·E⁻¹` gives `Y = T11⁻¹(E + T12)` and the rest of §5. An
/// orthogonal `C` makes the commutator `H C = K⁻¹ H K` orthogonal
/// (`OrthogonalCommutator`), removing what ruins the plain §5 port
/// (triangular eigenvector matrices). Such a `C` exists when some `M = G V G⁻¹`
/// has `T11`'s singular values (Horn: the singular values must majorize
/// the moduli of the eigenvalues multiplicatively); a Gauss–Newton homotopy
/// on `log σ(G V G⁻¹)` finds `G`, and `E = O G` with `O` orthogonal aligns
/// the singular vectors so that `C = T11⁻¹ E V E⁻¹` is orthogonal.
///
/// It runs on the dual `S = J T⁻¹ J = [V R; Q P]` (`J` swaps the halves),
/// where `T11` and `V` trade places: without the matched scalings the
/// direct form was infeasible for most Gaussian `T` at `d >= 32`, the dual
/// for none tried. (With them, the direct form also runs at d = 256 —
/// 5 of 5 seeds, residuals within 2× of the dual's either way.)
///
/// ```swift
/// let layers = HornConstruction.depth3(t)   // 3 pairs for det t = 1, or nil
/// ```
enum HornConstruction {
    /// Homotopy steps toward the target singular values, and the Gauss–Newton
    /// iterations allowed on the last one.
    static let homotopySteps = 5
    static let finalIterations = 30
    /// Gauss–Newton steps matching `σ(S11 Δ1)` to `σ(Δ2⁻¹ V)` with the
    /// column scaling (then `G` stays close to `I`), and their Tikhonov weight.
    static let matchingSteps = 8
    static let matchingRegularization = 0.1

    /// `T·diag(δ1, δ2) = N-(b0) N+(b1) ⋯ N+(b_{2k−1})` with
    /// `N-(X) = [I 0; X I]`, `N+(Y) = [I Y; 0 I]`.
    struct Unipotents {
        var blocks: [DoubleMatrix]
        var delta1: [Double]
        var delta2: [Double]

        /// `k` pairs with the product `blocks·Δ⁻¹`: `Δ⁻¹` moves left through
        /// every block (`N-(X)Δ⁻¹ = Δ⁻¹N-(Δ2XΔ1⁻¹)`, `N+(Y)Δ⁻¹ = Δ⁻¹N+(Δ1YΔ2⁻¹)`)
        /// into the first pair, `N-(A) diag(C, B) N+(C⁻¹D) = L(A, B) U(C, D)`.
        var pairs: [FloatCouplingPair] {
            let inverse1 = delta1.map { 1 / $0 }, inverse2 = delta2.map { 1 / $0 }
            let moved = blocks.enumerated().map { i, b in
                i == 0
                    ? b
                    : i % 2 == 0
                        ? b.scalingRows(by: delta2).scalingColumns(by: inverse1)
                        : b.scalingRows(by: delta1).scalingColumns(by: inverse2)
            }
            let ones = [Double](repeating: 1, count: delta1.count)
            return stride(from: 0, to: moved.count, by: 2).map { i in
                i == 0
                    ? FloatCouplingPair(A: moved[0], B: inverse2, C: inverse1, D: moved[1].scalingRows(by: inverse1))
                    : FloatCouplingPair(A: moved[i], B: ones, C: ones, D: moved[i + 1])
            }
        }
    }

    static func depth3(_ t: DoubleMatrix) -> [FloatCouplingPair]? { dual(t)?.pairs }

    /// Where depth 4 puts its extra unipotent factor.
    enum Shear {
        /// `T = T̃ N-(X)` with `(T̃⁻¹)22 = (T⁻¹)22 + X (T⁻¹)12` as well
        /// conditioned as `T⁻¹`'s last block column allows: that block is
        /// the leading block of the dual the construction runs on, and its
        /// condition number is what depth 3 cannot change (it is invariant
        /// under the shears that merge into the outer factors).
        case right
        /// `T = N+(Z) T̃` with `T̃11 = T11 − Z T21` as well conditioned as
        /// `T`'s first block column allows.
        case left
    }

    /// Depth 4: an orthogonal shear (`OrthogonalBlockConstruction.shear`),
    /// then depth 3 on the sheared matrix.
    ///
    /// Why `right` comes first: on Gaussian `T`, depth 3 misses the residual
    /// bar where `κ((T⁻¹)22)` is large (at d = 256 the four of ten seeds
    /// with κ ≥ 4e5 failed, the six with κ ≤ 1.6e5 passed). The right shear
    /// repairs exactly that block: ∏cond₂ 1e10 and entries 3·max|T| where
    /// the left shear gave 3e14..2e17 and 16..125·max|T|.
    static func depth4(_ t: DoubleMatrix, shear: Shear = .right) -> [FloatCouplingPair]? {
        let d = t.rows / 2
        let (identity, zero) = (DoubleMatrix.identity(d), DoubleMatrix(rows: d, columns: d))
        switch shear {
        case .left:
            guard let z = OrthogonalBlockConstruction.shear(t), let rest = dual(.blocks(identity, -z, zero, identity) * t)
            else { return nil }
            return Unipotents(blocks: [zero, z] + rest.blocks, delta1: rest.delta1, delta2: rest.delta2).pairs
        case .right:
            // `shear` on `J T⁻¹ J` gives `Z` with `(T⁻¹)22 − Z (T⁻¹)12` well
            // conditioned, so `T̃ = T N-(Z)` and `T = T̃ N-(−Z)`; with
            // `T̃ Δ = Π`, `T Δ = Π N-(−Δ2⁻¹ Z Δ1)`, closed by `N+(0)`.
            guard let inverse = t.inverse(), let z = OrthogonalBlockConstruction.shear(swapped(inverse)),
                let rest = dual(t * .blocks(identity, zero, z, identity))
            else { return nil }
            let last = (-z).scalingRows(by: rest.delta2.map { 1 / $0 }).scalingColumns(by: rest.delta1)
            return Unipotents(blocks: rest.blocks + [last, zero], delta1: rest.delta1, delta2: rest.delta2).pairs
        }
    }

    /// `J X J = [X22 X21; X12 X11]`.
    static func swapped(_ x: DoubleMatrix) -> DoubleMatrix {
        let d = x.rows / 2
        let (low, high) = (0..<d, d..<(2 * d))
        return .blocks(
            x.block(rows: high, columns: high), x.block(rows: high, columns: low),
            x.block(rows: low, columns: high), x.block(rows: low, columns: low))
    }

    /// The construction on `S = J T⁻¹ J`, turned back into blocks for `T`:
    /// `SΔ = Π` gives `T = (JΔJ)(JΠ⁻¹J)`, `JΠ⁻¹J = N-(−b5) N+(−b4) ⋯ N+(−b0)`,
    /// and `JΔJ = diag(δ2, δ1)` moves to the right through the blocks.
    static func dual(_ t: DoubleMatrix) -> Unipotents? {
        guard let inverse = t.inverse(), let u = direct(swapped(inverse), inverse: swapped(t)) else { return nil }
        let (l1, l2) = (u.delta2, u.delta1)
        let (r1, r2) = (l1.map { 1 / $0 }, l2.map { 1 / $0 })
        let blocks = u.blocks.reversed().enumerated().map { i, b in
            i % 2 == 0 ? (-b).scalingRows(by: l2).scalingColumns(by: r1) : (-b).scalingRows(by: l1).scalingColumns(by: r2)
        }
        return Unipotents(blocks: blocks, delta1: r1, delta2: r2)
    }

    /// Six blocks and `Δ` for `t` (its `inverse` given, so the dual needs no
    /// second inversion), or nil when a block is singular or the homotopy fails.
    static func direct(_ t: DoubleMatrix, inverse: DoubleMatrix) -> Unipotents? {
        let d = t.rows / 2
        let (low, high) = (0..<d, d..<(2 * d))
        let identity = DoubleMatrix.identity(d)
        guard let determinant = t.determinantEstimate,
            let (logDelta1, logDelta2) = matchedScaling(
                t.block(rows: low, columns: low), inverse.block(rows: high, columns: high),
                start: -determinant.log2Magnitude * M_LN2 / Double(2 * d))
        else { return nil }
        let (delta1, delta2) = (logDelta1.map(Foundation.exp), logDelta2.map(Foundation.exp))
        let t11 = t.block(rows: low, columns: low).scalingColumns(by: delta1)
        let t12 = t.block(rows: low, columns: high).scalingColumns(by: delta2)
        let t21 = t.block(rows: high, columns: low).scalingColumns(by: delta1)
        let t22 = t.block(rows: high, columns: high).scalingColumns(by: delta2)
        let v = inverse.block(rows: high, columns: high).scalingRows(by: delta2.map { 1 / $0 })
        guard let a = t11.singularValueDecomposition, (a.s.last ?? 0) > 0,
            let g = intertwiner(v, target: a.s.map(Foundation.log)),
            let gInverse = g.inverse(), let b = (g * v * gInverse).singularValueDecomposition,
            let aInverseT12 = t11.solve(t12)
        else { return nil }
        // O = U_A·diag(±1)·U_Bᵀ; row i of W_Aᵀ·Y is ±g_i/σ_i + h_i, so the
        // sign opposite to ⟨g_i, h_i⟩ keeps Y small.
        let gRows = b.u.transposeTimes(g), h = a.vt * aInverseT12
        let signs = (0..<d).map { i in (0..<d).reduce(0.0) { $0 + gRows[i, $1] * h[i, $1] } > 0 ? -1.0 : 1.0 }
        let e0 = a.u.scalingColumns(by: signs).timesTranspose(b.u) * g
        guard let m = e0.solveFromRight(e0 * v), let cRaw = t11.solve(m)?.singularValueDecomposition,
            let (h0, k) = OrthogonalCommutator.factors(cRaw.u * cRaw.vt),
            let (c, s) = freeScalars(t11: t11, t12: t12, e0: e0, h0: h0, k: k)
        else { return nil }
        // `C` is re-orthogonalized above (polar factor): the homotopy leaves
        // it orthogonal only to its tolerance.
        let e = c * e0, hm = s * h0, p = k * e
        guard let y = t11.solve(e + t12), let x = e.solve(hm - t11), let z1 = p.solve(hm - identity) else { return nil }
        let w1 = (1 / s) * h0.transposeTimes(-e - p)
        let x1 = (1 / s) * (t21 - (t22 - t21 * y) * x - z1).timesTranspose(h0)
        return Unipotents(blocks: [x1, p, z1, w1, x, y], delta1: delta1, delta2: delta2)
    }

    /// Log column scalings `x1, x2` (sums fixed, so `det Δ` stays
    /// `exp(2d·start)`) making the singular values of `t11·e^{x1}` and
    /// `e^{−x2}·v` close: regularized Gauss–Newton with
    /// `∂ log σ_i(A·e^{x})/∂x_j = W[j,i]²` and `∂ log σ_i(e^{−x}·B)/∂x_j = −U[j,i]²`.
    static func matchedScaling(_ t11: DoubleMatrix, _ v: DoubleMatrix, start: Double) -> ([Double], [Double])? {
        let d = t11.rows
        var x = [Double](repeating: start, count: 2 * d)
        for _ in 0..<matchingSteps {
            guard let a = t11.scalingColumns(by: x[0..<d].map(Foundation.exp)).singularValueDecomposition,
                let b = v.scalingRows(by: x[d...].map { Foundation.exp(-$0) }).singularValueDecomposition,
                (a.s.last ?? 0) > 0, (b.s.last ?? 0) > 0
            else { return nil }
            let r = (0..<d).map { Foundation.log(a.s[$0]) - Foundation.log(b.s[$0]) }
            let jacobian = DoubleMatrix(rows: d, columns: 2 * d) { i, j in
                j < d ? a.vt[i, j] * a.vt[i, j] : b.u[j - d, i] * b.u[j - d, i]
            }
            var normal = jacobian.transposeTimes(jacobian)
            for i in 0..<(2 * d) { normal[i, i] += matchingRegularization }
            let gradient = jacobian.transposeTimes(DoubleMatrix(rows: d, columns: 1, columnMajor: r))
            let rhs = DoubleMatrix(rows: 2 * d, columns: 1) { i, _ in -gradient[i, 0] - matchingRegularization * (x[i] - start) }
            guard let step = normal.solve(rhs) else { return nil }
            let mean = step.entries.reduce(0, +) / Double(2 * d)
            for i in 0..<(2 * d) { x[i] += step[i, 0] - mean }
        }
        return (Array(x[0..<d]), Array(x[d...]))
    }

    /// `G` with `σ(G v G⁻¹) = exp(target)` (decreasing): Gauss–Newton on
    /// `log σ` along a straight homotopy from `σ(v)`, with symmetric updates
    /// `G ← e^Ω G`, `Ω = Σ c_i (u_i u_iᵀ − w_i w_iᵀ)`, for which
    /// `δ log σ_i = 2c_i − Σ_j c_j ((u_iᵀw_j)² + (u_jᵀw_i)²)`. That Gram
    /// matrix is singular along `(1, …, 1)` (det is kept), hence the pseudo-inverse.
    static func intertwiner(_ v: DoubleMatrix, target: [Double]) -> DoubleMatrix? {
        let d = v.rows
        var g = DoubleMatrix.identity(d), b = v
        guard let start = v.singularValues?.map(Foundation.log) else { return nil }
        var best = Double.infinity
        for step in 1...homotopySteps {
            let f = Double(step) / Double(homotopySteps)
            let goal = (0..<d).map { (1 - f) * start[$0] + f * target[$0] }
            for _ in 0..<(step == homotopySteps ? finalIterations : 1) {
                guard let svd = b.singularValueDecomposition else { return nil }
                let r = (0..<d).map { Foundation.log(svd.s[$0]) - goal[$0] }
                if step == homotopySteps {
                    // Stop at the rounding floor: the error no longer shrinks.
                    let error = r.map(Swift.abs).max() ?? 0
                    if error > 0.5 * best || error < 1e-15 { break }
                    best = error
                }
                let w = svd.vt.transpose
                let overlap = svd.u.transposeTimes(w)
                let gram = DoubleMatrix(rows: d, columns: d) { i, j in
                    (i == j ? 2 : 0) - overlap[i, j] * overlap[i, j] - overlap[j, i] * overlap[j, i]
                }
                guard let c = pseudoSolve(gram, r.map { -$0 }) else { return nil }
                let omega = svd.u.scalingColumns(by: c).timesTranspose(svd.u) - w.scalingColumns(by: c).timesTranspose(w)
                guard let (values, q) = omega.symmetricEigen else { return nil }
                let grow = q.scalingColumns(by: values.map(Foundation.exp)).timesTranspose(q)
                let shrink = q.scalingColumns(by: values.map { Foundation.exp(-$0) }).timesTranspose(q)
                g = grow * g
                b = grow * b * shrink
            }
        }
        return g
    }

    /// Minimum-norm solution of `gram·c = rhs` for symmetric `gram`,
    /// ignoring eigenvalues below 1e-12 of the largest.
    private static func pseudoSolve(_ gram: DoubleMatrix, _ rhs: [Double]) -> [Double]? {
        guard let (values, q) = gram.symmetricEigen else { return nil }
        let cutoff = 1e-12 * (values.map(Swift.abs).max() ?? 0)
        let projected = q.transposeTimes(DoubleMatrix(rows: rhs.count, columns: 1, columnMajor: rhs)).entries
        let scaled = zip(projected, values).map { Swift.abs($1) > cutoff ? $0 / $1 : 0 }
        return (q * DoubleMatrix(rows: rhs.count, columns: 1, columnMajor: scaled)).entries
    }

    /// The free scalars `E = c·E0`, `H = s·H0` (both keep every identity of
    /// the construction) minimizing `Σ log κ` of the five unipotent blocks
    /// they shape (`κ([I X; 0 I]) = ((x + √(x²+4))/2)²`, `x ≈ 2‖X‖_F/√d`), on a
    /// 9 × 9 log grid over `[e⁻², e²]`. Every block is `α·P + β·Q` with fixed
    /// `P, Q`, so each grid point costs `O(1)` after the inner products.
    private static func freeScalars(
        t11: DoubleMatrix, t12: DoubleMatrix, e0: DoubleMatrix, h0: DoubleMatrix,
        k: DoubleMatrix
    ) -> (Double, Double)? {
        guard let e0Inverse = e0.inverse(), let aInverseE0 = t11.solve(e0), let aInverseT12 = t11.solve(t12) else {
            return nil
        }
        let d = Double(t11.rows)
        let eiKt = e0Inverse.timesTranspose(k), ke = k * e0
        // Norm² of α·P + β·Q from ‖P‖², ⟨P, Q⟩, ‖Q‖².
        func gramOf(_ p: DoubleMatrix, _ q: DoubleMatrix) -> (Double, Double) -> Double {
            let pp = dot(p, p), pq = dot(p, q), qq = dot(q, q)
            return { alpha, beta in Swift.max(alpha * alpha * pp + 2 * alpha * beta * pq + beta * beta * qq, 0) }
        }
        let y = gramOf(aInverseE0, aInverseT12), x = gramOf(e0Inverse * h0, e0Inverse * t11)
        let z1 = gramOf(eiKt * h0, eiKt), w1 = gramOf(h0.transposeTimes(e0), h0.transposeTimes(ke))
        let y1 = dot(ke, ke)
        func logCondition(_ squaredNorm: Double) -> Double {
            let n = 2 * (squaredNorm / d).squareRoot()
            return 2 * Foundation.log((n + (n * n + 4).squareRoot()) / 2)
        }
        let grid = (0..<9).map { Foundation.exp(-2 + Double($0) / 2) }
        var best: (score: Double, c: Double, s: Double)?
        for c in grid {
            for s in grid {
                let score =
                    logCondition(y(c, 1)) + logCondition(x(s / c, -1 / c)) + logCondition(z1(s / c, -1 / c))
                    + logCondition(c * c * y1) + logCondition(w1(c / s, c / s))
                if best == nil || score < best!.score { best = (score, c, s) }
            }
        }
        return best.map { ($0.c, $0.s) }
    }

    private static func dot(_ a: DoubleMatrix, _ b: DoubleMatrix) -> Double {
        zip(a.entries, b.entries).reduce(0) { $0 + $1.0 * $1.1 }
    }
}
