import FloatLinearAlgebra

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
    /// Relative LSQR residual at which an inner solve stops.
    static let innerTolerance = 0.03
    /// Relative residual below which refinement stops: a tenth of
    /// `FloatDecomposer.accuracyBar` up to d = 256 (each step costs about as
    /// much as the construction).
    static let target = 1e-13

    /// The refined layers and their relative residual `‖T − Π‖_F / ‖T‖_F`
    /// (double-double evaluation); never worse than `layers`.
    static func refine(_ t: DoubleMatrix, _ layers: [FloatCouplingPair], steps: Int, innerSteps: Int)
        -> (layers: [FloatCouplingPair], relativeResidual: Double)
    {
        let scale = t.frobeniusNorm
        var best = layers
        var residual = FloatResidual.compensatedResidual(t, layers)
        var norm = residual.frobeniusNorm
        for _ in 0..<steps where norm > target * scale {
            let jacobian = Jacobian(best)
            let correction = zip(lsqr(jacobian, residual, iterations: innerSteps), jacobian.whitening)
                .map { y, w in w.left * y * w.right }
            var candidate = best
            for (i, block) in correction.enumerated() {
                if i % 2 == 0 { candidate[i / 2].A = candidate[i / 2].A + block } else { candidate[i / 2].D = candidate[i / 2].D + block }
            }
            let next = FloatResidual.compensatedResidual(t, candidate)
            let nextNorm = next.frobeniusNorm
            guard nextNorm < 0.5 * norm else { break }
            let gain = norm / nextNorm
            (best, residual, norm) = (candidate, next, nextNorm)
            // Below a 4× gain the next step has never halved it (rounding floor).
            if gain < 4 { break }
        }
        return (best, norm / scale)
    }

    /// `δΠ = Σ_i left_i · y_i · right_i` over the `2k` factors, with
    /// `left_i` the prefix product's columns and `right_i` the suffix
    /// product's rows that the moving block touches (whitened, see `whitening`).
    struct Jacobian {
        var left: [DoubleMatrix] = []
        var right: [DoubleMatrix] = []

        init(_ layers: [FloatCouplingPair]) {
            let d = layers[0].d
            let factors = layers.flatMap { [$0.lowerFactor, $0.upperFactor] }
            var prefix = [DoubleMatrix.identity(2 * d)]
            for f in factors.dropLast() { prefix.append(prefix.last! * f) }
            var suffix = [DoubleMatrix.identity(2 * d)]
            for f in factors.dropFirst().reversed() { suffix.append(f * suffix.last!) }
            suffix.reverse()
            let (low, high, all) = (0..<d, d..<(2 * d), 0..<(2 * d))
            for i in factors.indices {
                // L = [I 0; A B] moves its lower-left block, U = [C D; 0 I] its upper-right.
                let l = prefix[i].block(rows: all, columns: i % 2 == 0 ? high : low)
                let r = suffix[i].block(rows: i % 2 == 0 ? low : high, columns: all)
                let w = (left: Self.inverseSquareRoot(l.transposeTimes(l)), right: Self.inverseSquareRoot(r.timesTranspose(r)))
                whitening.append(w)
                left.append(l * w.left)
                right.append(w.right * r)
            }
        }

        /// Per block `δ = W_l·y·W_r` with `W = (Gram)^{−1/2}`: in `y` every
        /// block's own map is orthonormal, so LSQR only sees the angles
        /// between blocks, not the 1e3..1e6 spread of prefix and suffix
        /// products (measured: 30 unpreconditioned iterations reduced the
        /// linearized residual only 5× at d = 64).
        var whitening: [(left: DoubleMatrix, right: DoubleMatrix)] = []

        static func inverseSquareRoot(_ gram: DoubleMatrix) -> DoubleMatrix {
            guard let (values, q) = gram.symmetricEigen, let top = values.last, top > 0 else { return .identity(gram.rows) }
            return q.scalingColumns(by: values.map { 1 / Swift.max($0, 1e-30 * top).squareRoot() }).timesTranspose(q)
        }

        func apply(_ x: [DoubleMatrix]) -> DoubleMatrix {
            zip(left, zip(x, right)).map { $0 * $1.0 * $1.1 }.reduce(DoubleMatrix(rows: left[0].rows, columns: left[0].rows), +)
        }

        func adjoint(_ r: DoubleMatrix) -> [DoubleMatrix] {
            zip(left, right).map { $0.transposeTimes(r).timesTranspose($1) }
        }
    }

    /// Paige–Saunders LSQR from `x = 0` for `min ‖J x − r‖`, stopped after
    /// `iterations` or once the residual estimate falls by `innerTolerance`.
    static func lsqr(_ j: Jacobian, _ r: DoubleMatrix, iterations: Int) -> [DoubleMatrix] {
        func norm(_ x: [DoubleMatrix]) -> Double { x.map { $0.frobeniusNorm * $0.frobeniusNorm }.reduce(0, +).squareRoot() }
        var beta = r.frobeniusNorm
        var x = j.adjoint(r).map { DoubleMatrix(rows: $0.rows, columns: $0.columns) }
        guard beta > 0 else { return x }
        var u = (1 / beta) * r
        var v = j.adjoint(u)
        var alpha = norm(v)
        guard alpha > 0 else { return x }
        v = v.map { (1 / alpha) * $0 }
        var w = v
        var (phiBar, rhoBar) = (beta, alpha)
        for _ in 0..<iterations {
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
            if phiBar <= innerTolerance * r.frobeniusNorm { break }
        }
        return x
    }
}
