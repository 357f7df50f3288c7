/// Levenberg–Marquardt on `min ‖r(x)‖₂` with a forward-difference Jacobian
/// (or the caller's) and Marquardt's scaling (`JᵀJ + λ·(diag(JᵀJ) + I)`), the normal
/// equations solved by LAPACK. One driver for flowproof's small nonlinear
/// searches (the depth-2 equations and the full depth-2 system); the
/// structured ones (intertwiner, layer refinement) use their own Jacobians.
///
/// ```swift
/// let (x, r) = LevenbergMarquardt.minimize(from: [1, 1]) { p in [p[0] * p[1] - 2, p[0] - p[1]] }
/// ```
public enum LevenbergMarquardt {
    public struct Options: Sendable {
        public var iterations = 300
        /// Stop once `‖r‖` is below this.
        public var target = 0.0
        /// Damping increases (×10) tried per step before giving up.
        public var tries = 12
        /// Give up when `‖r‖` falls by less than 10 % over this many steps
        /// (a crawl towards the boundary or a local minimum); `nil`: never.
        public var stallWindow: Int? = nil
        /// Damping `λ·(diag(JᵀJ) + I)` (Marquardt) or `λ·I` (Levenberg).
        public var marquardtScaling = true

        public init(iterations: Int = 300, target: Double = 0, tries: Int = 12, stallWindow: Int? = nil, marquardtScaling: Bool = true) {
            self.iterations = iterations
            self.target = target
            self.tries = tries
            self.stallWindow = stallWindow
            self.marquardtScaling = marquardtScaling
        }
    }

    /// The last accepted point and its residual vector. `jacobian(x, r(x))`,
    /// when given, replaces the forward differences.
    public static func minimize(
        from start: [Double], options: Options = Options(), residuals: ([Double]) -> [Double],
        jacobian: (([Double], [Double]) -> DoubleMatrix)? = nil
    ) -> (x: [Double], r: [Double]) {
        var x = start, r = residuals(start)
        var lambda = 1e-3
        var checkpoint = Double.infinity
        for iteration in 0..<options.iterations {
            let norm = euclideanNorm(r)
            if norm < options.target || !norm.isFinite { break }
            if let window = options.stallWindow, iteration % window == 0 {
                if norm > 0.9 * checkpoint { break }
                checkpoint = norm
            }
            let j = jacobian?(x, r) ?? forwardDifferences(x, r, residuals)
            let normal = j.transposeTimes(j)
            let gradient = j.transposeTimes(DoubleMatrix(rows: r.count, columns: 1, columnMajor: r))
            var improved = false
            for _ in 0..<options.tries {
                var damped = normal
                for i in x.indices { damped[i, i] += lambda * (options.marquardtScaling ? normal[i, i] + 1 : 1) }
                guard let step = damped.solve(gradient), step.isFinite else { lambda *= 10; continue }
                let candidate = x.indices.map { x[$0] - step[$0, 0] }
                let rc = residuals(candidate)
                let candidateNorm = euclideanNorm(rc)
                if candidateNorm.isFinite && candidateNorm < norm {
                    x = candidate; r = rc; lambda = max(lambda / 3, 1e-12); improved = true; break
                }
                lambda *= 10
            }
            if !improved { break }
        }
        return (x, r)
    }

    /// `∂r/∂x` by forward differences, steps `1e-7·max(1, |x_k|)`; `r = r(x)`.
    public static func forwardDifferences(_ x: [Double], _ r: [Double], _ residuals: ([Double]) -> [Double]) -> DoubleMatrix {
        var jacobian = DoubleMatrix(rows: r.count, columns: x.count)
        for k in x.indices {
            var shifted = x
            let h = 1e-7 * max(1, abs(x[k]))
            shifted[k] += h
            let rk = residuals(shifted)
            for i in r.indices { jacobian[i, k] = (rk[i] - r[i]) / h }
        }
        return jacobian
    }

    public static func euclideanNorm(_ r: [Double]) -> Double { r.reduce(0) { $0 + $1 * $1 }.squareRoot() }
}
