import FloatLinearAlgebra
import Foundation

/// Gauss–Newton refinement of the off-diagonal blocks `A_i`, `D_i` of
/// binary64 layers, `O(d³)` per iteration.
///
/// Why: the constructions are exact identities only while `C` is exactly
/// orthogonal and exactly intertwines, which binary64 delivers to about
/// `κ(T11)·κ(E)·u`; the layers then miss `T` by 1e-12..1e-10 at
/// `d >= 64` although a nearby exact factorization exists. One factor
/// moves the product by `P_i[:, cols]·δ·S_i[rows, :]` (prefix and suffix
/// products), so the Jacobian and its transpose are a few `d`-sized
/// products, and LSQR solves the (underdetermined) linearized problem for a
/// small correction without forming the `4d² × 2kd²` matrix. The residual
/// it fits comes from the double-double product
/// (`FloatResidual.compensatedResidual`): binary64's own rounding of the
/// product is about as large as what is being removed.
enum LayerRefinement {
    /// Iterations over which LSQR's recent convergence rate is measured, and
    /// by how much the extrapolated residual must miss its target before
    /// LSQR gives up (at 1× a d = 64 run that met the bar was cut short).
    static let stallWindow = 4
    static let stallMargin = 4.0

    /// Smallest gain of a step after which another is tried when the
    /// residual is within 2× of the bar (at d = 256 one Gaussian in ten
    /// crossed it that way: 1.39e-12 → 1.01e-12 → 9.5e-13).
    static let nearBarGain = 1.2

    /// The refined layers and their relative residual `‖T − Π‖_F / ‖T‖_F`
    /// (double-double evaluation); never worse than `layers`.
    ///
    /// The first step aims at `goal` (LSQR stops once its linearized
    /// prediction reaches it); a further step is taken only while the
    /// residual is above `bar`, i.e. only to rescue layers that would fail
    /// it, and every step that lowers the residual is kept (a rule that kept
    /// only halvings threw away 1.04e-12 → 7.3e-13 on a d = 256 Gaussian,
    /// which then paid for depth 4). One long LSQR run beats several short Gauss–Newton steps: the
    /// problem is linear to rounding level at these residuals (at d = 256
    /// the new residual is LSQR's prediction to 3 digits), while a step
    /// costs a new Jacobian and residual and restarts LSQR's fast first
    /// iterations (12 iterations of a second step gained 2×, as did 12 more
    /// iterations of the first).
    static func refine(
        _ t: DoubleMatrix, _ layers: [FloatCouplingPair], goal: Double, bar: Double, steps: Int, iterations: Int
    ) -> (layers: [FloatCouplingPair], relativeResidual: Double) {
        let scale = t.frobeniusNorm
        var best = layers
        var residual = FloatResidual.compensatedResidual(t, layers)
        var norm = residual.frobeniusNorm
        for step in 0..<steps where norm > (step == 0 ? goal : bar) * scale {
            let jacobian = Jacobian(best)
            let whitened = lsqr(
                jacobian, residual, iterations: iterations, tolerance: goal * scale / norm, mustReach: bar * scale / norm)
            let correction = zip(whitened, jacobian.whitening).map { y, w in w.left * y * w.right }
            var candidate = best
            for (i, block) in correction.enumerated() {
                if i % 2 == 0 { candidate[i / 2].A = candidate[i / 2].A + block } else { candidate[i / 2].D = candidate[i / 2].D + block }
            }
            let next = FloatResidual.compensatedResidual(t, candidate)
            let nextNorm = next.frobeniusNorm
            guard nextNorm < norm else { break }
            let gain = norm / nextNorm
            (best, residual, norm) = (candidate, next, nextNorm)
            // Below a 4× gain the next step has never halved it (rounding
            // floor); within 2× of the bar a smaller gain may still cross it.
            if gain < 4 && !(gain > nearBarGain && norm < 2 * bar * scale) { break }
        }
        return (best, norm / scale)
    }

    /// `δΠ = Σ_i left_i · y_i · right_i` over the `2k` factors, with
    /// `left_i` the prefix product's columns and `right_i` the suffix
    /// product's rows that the moving block touches (whitened, see `whitening`).
    struct Jacobian {
        let d: Int
        /// nil where the prefix (first factor) or suffix (last factor) is the
        /// identity: `left_0 = [0; I]` and `right_{2k−1} = [0 I]` are applied
        /// by placing a block instead of a product (measured at d = 256, depth
        /// 3: 25 instead of 31 ms per LSQR iteration).
        var left: [SingleMatrix?] = []
        var right: [SingleMatrix?] = []

        init(_ layers: [FloatCouplingPair]) {
            let d = layers[0].d
            self.d = d
            // Factor i is L_{i/2} for even i, U_{i/2} for odd i; one dense
            // block each, so every product below is a quarter of a dense one.
            let structured = layers.flatMap { [($0, true), ($0, false)] }
            var prefix = [DoubleMatrix.identity(2 * d)]
            for (pair, lower) in structured.dropLast() { prefix.append(Self.times(prefix.last!, pair, lower: lower)) }
            var suffix = [DoubleMatrix.identity(2 * d)]
            for (pair, lower) in structured.dropFirst().reversed() {
                suffix.append(FloatResidual.structuredProduct(pair, lower: lower, suffix.last!, magnitudes: false))
            }
            suffix.reverse()
            let (low, high, all) = (0..<d, d..<(2 * d), 0..<(2 * d))
            for i in structured.indices {
                // L = [I 0; A B] moves its lower-left block, U = [C D; 0 I] its upper-right.
                let l = prefix[i].block(rows: all, columns: i % 2 == 0 ? high : low)
                let r = suffix[i].block(rows: i % 2 == 0 ? low : high, columns: all)
                let (first, last) = (i == 0, i == structured.count - 1)
                let (gramLeft, gramRight) = (first ? nil : l.transposeTimes(l), last ? nil : r.timesTranspose(r))
                let w = (
                    left: gramLeft.map { $0.inverseCholeskyFactor ?? Self.inverseSquareRoot($0) } ?? .identity(d),
                    right: gramRight.map { $0.inverseCholeskyFactor?.transpose ?? Self.inverseSquareRoot($0) } ?? .identity(d)
                )
                whitening.append(w)
                left.append(first ? nil : SingleMatrix(l * w.left))
                right.append(last ? nil : SingleMatrix(w.right * r))
            }
        }

        /// Per block `δ = W_l·y·W_r` with `W_l = R⁻¹`, `W_r = R⁻ᵀ` from the
        /// Cholesky factors of the two Gram matrices: in `y` every block's own
        /// map is orthonormal, so LSQR only sees the angles between blocks,
        /// not the 1e3..1e6 spread of prefix and suffix products (measured:
        /// 30 unpreconditioned iterations reduced the linearized residual only
        /// 5× at d = 64). Any whitening gives the same LSQR corrections in exact
        /// arithmetic (they differ by orthogonal factors); Cholesky costs a
        /// tenth of an eigendecomposition (at d = 1024 the Jacobian took 9 s).
        var whitening: [(left: DoubleMatrix, right: DoubleMatrix)] = []

        /// `P·L(A, B) = [P_l + P_r A, P_r diag(B)]` or
        /// `P·U(C, D) = [P_l diag(C), P_r + P_l D]`.
        static func times(_ p: DoubleMatrix, _ pair: FloatCouplingPair, lower: Bool) -> DoubleMatrix {
            let d = pair.d
            let (pl, pr) = (p.block(rows: 0..<p.rows, columns: 0..<d), p.block(rows: 0..<p.rows, columns: d..<(2 * d)))
            return lower
                ? .horizontal([pl + pr * pair.A, pr.scalingColumns(by: pair.B)])
                : .horizontal([pl.scalingColumns(by: pair.C), pr + pl * pair.D])
        }

        /// The fallback when a Gram matrix is too ill-conditioned for Cholesky.
        static func inverseSquareRoot(_ gram: DoubleMatrix) -> DoubleMatrix {
            guard let (values, q) = gram.symmetricEigen, let top = values.last, top > 0 else { return .identity(gram.rows) }
            return q.scalingColumns(by: values.map { 1 / Swift.max($0, 1e-30 * top).squareRoot() }).timesTranspose(q)
        }

        /// An identity `left` puts the term in rows `d..<2d`, an identity
        /// `right` in columns `d..<2d`.
        func apply(_ x: [SingleMatrix]) -> SingleMatrix {
            var sum = SingleMatrix(rows: 2 * d, columns: 2 * d)
            for (i, y) in x.enumerated() {
                var term = y
                if let r = right[i] { term = term * r }
                if let l = left[i] { term = l * term }
                sum.add(term, rowOffset: left[i] == nil ? d : 0, columnOffset: right[i] == nil ? d : 0)
            }
            return sum
        }

        func adjoint(_ u: SingleMatrix) -> [SingleMatrix] {
            left.indices.map { i in
                var g = u
                if left[i] == nil { g = g.block(rows: d..<(2 * d), columns: 0..<g.columns) }
                if right[i] == nil { g = g.block(rows: 0..<g.rows, columns: d..<(2 * d)) }
                if let l = left[i] { g = l.transposeTimes(g) }
                if let r = right[i] { g = g.timesTranspose(r) }
                return g
            }
        }
    }

    /// Paige–Saunders LSQR from `x = 0` for `min ‖J x − r‖`, stopped after
    /// `iterations`, once the residual estimate falls to `tolerance·‖r‖`, or
    /// once, at the rate of the last `stallWindow` iterations, it would still
    /// be above `stallMargin·mustReach·‖r‖` after the iterations left. That
    /// rate mostly slows (the residual left is ever harder for the
    /// Jacobian), so the extrapolation is optimistic; it cuts short the runs
    /// that stall far above the bar (d = 256 Gaussians with κ((T⁻¹)22) ≥ 4e5,
    /// which go on to depth 4: 0.7–0.9 s saved) and ended none of the 34
    /// runs at d = 32..256 that met it.
    /// In binary32 (`SingleMatrix`), on `r/‖r‖`: it stops near 1% relative,
    /// which needs no more, and `sgemm` halves the cost of the refinement's
    /// dominant products (measured at d = 256: 30 instead of 60 ms per
    /// iteration, the same residual reduction to 6 digits).
    static func lsqr(_ j: Jacobian, _ r: DoubleMatrix, iterations: Int, tolerance: Double, mustReach: Double? = nil)
        -> [DoubleMatrix]
    {
        func norm(_ x: [SingleMatrix]) -> Double { x.map { $0.frobeniusNorm * $0.frobeniusNorm }.reduce(0, +).squareRoot() }
        let scale = r.frobeniusNorm
        let d = j.d
        var x = j.left.map { _ in SingleMatrix(rows: d, columns: d) }
        guard scale > 0 else { return x.map(\.double) }
        var u = SingleMatrix((1 / scale) * r)
        var beta = u.frobeniusNorm
        var v = j.adjoint(u)
        var alpha = norm(v)
        guard alpha > 0 else { return x.map(\.double) }
        v = v.map { (1 / alpha) * $0 }
        var w = v
        var (phiBar, rhoBar) = (beta, alpha)
        var history: [Double] = []
        for iteration in 1..<(iterations + 1) {
            u = j.apply(v) - alpha * u
            beta = u.frobeniusNorm
            guard beta > 0 else { break }
            u = (1 / beta) * u
            let back = j.adjoint(u)
            v = zip(back, v).map { $0 - beta * $1 }
            alpha = norm(v)
            let rho = (rhoBar * rhoBar + beta * beta).squareRoot()
            let (c, s) = (rhoBar / rho, beta / rho)
            let theta = s * alpha
            rhoBar = -c * alpha
            let phi = c * phiBar
            phiBar = s * phiBar
            x = zip(x, w).map { $0 + (phi / rho) * $1 }
            guard alpha > 0 else { break }
            v = v.map { (1 / alpha) * $0 }
            w = zip(v, w).map { $0 - (theta / rho) * $1 }
            if phiBar <= tolerance { break }
            history.append(phiBar)
            if let mustReach, iteration >= 2 * stallWindow {
                let rate = phiBar / history[iteration - 1 - stallWindow]
                let left = Double(iterations - iteration) / Double(stallWindow)
                if phiBar * Foundation.pow(rate, left) > stallMargin * mustReach { break }
            }
        }
        return x.map { scale * $0.double }
    }
}
