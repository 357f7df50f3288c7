import ExactLinearAlgebra
import FloatLinearAlgebra
import Foundation

/// Numerical evidence that `T ∈ K_2`: Levenberg–Marquardt on theory §4's
/// necessary condition `χ(T11Δ1) = χ(Δ2⁻¹V)` over admissible diagonals,
/// then (for invertible `T11`) the intertwiner system of §4a polished from
/// that start, with the residual of the depth-2 factorization it implies;
/// for singular `T11`, a solution of the full system of §4c instead, from
/// `NullSpaceIntertwiner`, or from random starts of `FullSystemNumerics`
/// where that does not apply (coranks of `T11` and `V` not resolved in
/// binary64).
///
/// A small residual is evidence, never a proof (the proofs are
/// `IntertwinerMembership` and `FullSystemMembership`). Results are reported as
/// "in K_2 numerically (residual r)", with `r = evidence`.
public enum NumericDepthTwo {
    public struct Result: Sendable {
        /// Relative residual of the characteristic-polynomial system (for
        /// singular `T11`, where it is not computed, `productResidual`).
        public let residual: Double
        public let delta1: [Double]
        public let delta2: [Double]
        /// `(δ, u = 1/γ, P)` solving the intertwiner system (`T11` invertible).
        public let intertwiner: [Double]?
        /// Relative residual of the depth-2 factorization built from
        /// `intertwiner` (theory §4.5), or of the full system's polished
        /// solution for singular `T11`, measured against `TΔ`.
        public let productResidual: Double?
        /// The proof of `T ∈ K_2` built from the solution, when it checks.
        public var proof: DepthTwoMembership? = nil
        /// Singular `T11`: the full-system solutions found, in order, for
        /// the exact constructions (`FullSystemRationalPoint`,
        /// `NullSpaceConstruction`) when none gave a proof.
        var fullSystemSolutions: [FullSystemNumerics.Solution] = []

        /// What the report quotes: the product residual when there is one.
        public var evidence: Double { productResidual ?? residual }
    }

    /// Residuals below this count as a numerical solution.
    public static let tolerance = 1e-10

    /// Above this block size the search is not run: its dense eigenvalue
    /// work grows like d⁴ per restart (12 s at d = 12, 26 s at d = 20 on a
    /// loaded machine) and membership proofs stop at d = 16 anyway, so a
    /// large input gets its honest "2 or 3" in bounded time.
    public static let maximumD = 16

    /// Singular `T11`: numerical solutions of the full system tried as
    /// proofs, starts of its search, and Gauss–Newton steps over all starts.
    /// The step budget (24 full starts up to d = 8) falls like `d⁻²` above:
    /// a step costs about 1.5 ms at d = 8 and 2.5 ms at d = 10, a search
    /// that never converges took 230 s at d = 10 without a budget, and one
    /// that converged there needed more than 8000 steps (several starts
    /// stall before one converges).
    static let maximumFullSystemSolutions = 8
    static let maximumFullSystemStarts = 24
    /// Starts of `NullSpaceIntertwiner` (`T11` of rank `d − k`, `0 < k < d`)
    /// with positive signs, then (signed regime only) with random signs:
    /// 2 in 10 converged on a `d = 10` product with `k = 1`, 1 in 15 on a
    /// `d = 8` one with `k = 2`, and on one `d = 12` product with `k = 3`
    /// none of the first 64 but one of the first 128. A start costs about
    /// 0.17 s at d = 12.
    static let maximumNullSpaceStarts = 128
    static let mixedSignNullSpaceStarts = 64
    static func maximumFullSystemSteps(d: Int) -> Int {
        let full = maximumFullSystemStarts * FullSystemNumerics.iterationLimit
        return min(full, Int(Double(full) * pow(8 / Double(d), 2)))
    }

    /// Scalings beyond `e^±20` (about 5e8) count as degenerate.
    public static let maximumLogScaling = 20.0

    /// Log-scalings of the restarts after the first are uniform in ±5: the
    /// real positive solutions of random Gaussian inputs sit up to ±13, and
    /// starts in ±1 miss most of them (300 random d = 6 matrices, all in
    /// K_2(positive), found with starts in ±5).
    public static let startRange = 5.0

    /// Every solution is tried as a proof (`IntertwinerMembership`, or
    /// `FullSystemMembership` for singular `T11`), and the search stops at
    /// the first that checks; for singular `T11`, also after the budgets of
    /// solutions, starts and steps below. Deterministic for a seed.
    public static func search(_ prepared: PreparedMatrix, regime: Regime, seed: UInt64, restarts: Int = 100) -> Result? {
        let t = prepared.matrix, b = prepared.blocks
        guard let vExact = prepared.v else { return nil }
        let d = b.d
        let t11 = b.t11.entries.map(\.doubleValue)
        let v = vExact.entries.map(\.doubleValue)
        var rng = SeededGenerator(seed: seed)
        let numerics = b.t11.determinant.isZero ? nil : IntertwinerNumerics(t11: t11, v: v, d: d)
        // For singular T11 the evidence is the full system's residual; above
        // its size budget there is no evidence worth reporting.
        guard numerics != nil || d <= FullSystemNumerics.maximumD else { return nil }
        let tDouble = t.entries.map(\.doubleValue)
        // Binary64 T and T⁻¹ for the full system (singular T11 only).
        let tMatrix = numerics == nil ? DoubleMatrix(rows: 2 * d, columns: 2 * d) { tDouble[$0 * 2 * d + $1] } : nil
        let sExact = numerics == nil ? prepared.inverse : nil
        let sMatrix = sExact.map { s in DoubleMatrix(rows: 2 * d, columns: 2 * d) { s[$0, $1].doubleValue } }
        var best: Result? = nil
        var solutions: [FullSystemNumerics.Solution] = []
        var fullSystemSteps = maximumFullSystemSteps(d: d)
        /// Records a full-system solution and tries it as a proof; true when
        /// the search should stop (a proof, or enough solutions: where the
        /// off-diagonal system is degenerate they give no proof, others may).
        func consider(_ solution: FullSystemNumerics.Solution) -> Bool {
            var result = Result(
                residual: solution.productResidual, delta1: Array(solution.scalings[0..<d]),
                delta2: Array(solution.scalings[d...]), intertwiner: nil, productResidual: solution.productResidual)
            if let sExact {
                result.proof = FullSystemMembership.prove(t, inverse: sExact, regime: regime, solution: solution).map { .fullSystem($0) }
            }
            solutions.append(solution)
            if best == nil || result.proof != nil || result.evidence < best!.evidence { best = result }
            best?.fullSystemSolutions = solutions
            return result.proof != nil || solutions.count >= maximumFullSystemSolutions
        }
        if let tm = tMatrix, let sm = sMatrix, let reduced = NullSpaceIntertwiner(t: tm, inverse: sm) {
            let starts = maximumNullSpaceStarts + (regime == .signed ? mixedSignNullSpaceStarts : 0)
            for start in 0..<starts {
                // Positive signs first, drawing nothing else: the signed
                // search then repeats the positive one start for start
                // (K_2(positive) ⊆ K_2(signed)) before random signs.
                let mixed = start >= maximumNullSpaceStarts
                var signs = (0..<(2 * d)).map { _ in mixed && rng.next() & 1 == 0 ? -1.0 : 1.0 }
                if signs.reduce(1, *) < 0 { signs[2 * d - 1] = -signs[2 * d - 1] }
                // Carried back, the solution is polished on the full system;
                // its floor there can sit above 1e-10 (large X, W), and the
                // proof's own Newton steps start from 1e-8 as well.
                guard let p = reduced.solve(signs: signs, rng: &rng),
                    let point = reduced.fullSystemStart(p, signs: signs, t: tm, inverse: sm),
                    let solution = FullSystemNumerics.solve(
                        t: tm, inverse: sm, signs: signs, from: point, budget: &fullSystemSteps, tolerance: 1e-8)
                else { continue }
                if consider(solution) { return best }
            }
            // No random full-system starts after these: over 92 runs on
            // products of two pairs with T11 of corank 1–3 (d = 6..12, both
            // regimes) they proved nothing the reduced search had not, and
            // where it found nothing they ran about 70 s more at d = 12.
            return best
        }
        for restart in 0..<restarts {
            // Parameters are logs of the scalings' magnitudes; their signs
            // are fixed per restart (all positive in the positive regime and
            // in every even restart, since K_2(positive) ⊆ K_2(signed);
            // random in odd ones), so a scaling never crosses 0. Random signs
            // on the raw scalings lost products of two pairs at d = 11, 12.
            let start = (0..<(2 * d)).map { _ in restart == 0 ? 0.0 : startRange * Double(rng.int(in: -1000...1000)) / 1000 }
            let signs = (0..<(2 * d)).map { _ in regime == .signed && restart % 2 == 1 && rng.next() & 1 == 0 ? -1.0 : 1.0 }
            // Singular T11: the characteristic-polynomial equations are only
            // necessary, and the full system converges from random starts.
            if let tm = tMatrix, let sm = sMatrix {
                if restart >= maximumFullSystemStarts || fullSystemSteps <= 0 { break }
                guard let solution = FullSystemNumerics.solve(t: tm, inverse: sm, signs: signs, rng: &rng, budget: &fullSystemSteps)
                else { continue }
                if consider(solution) { break }
                continue
            }
            let scalings: ([Double]) -> ([Double], [Double]) = { p in
                let s = (0..<(2 * d)).map { signs[$0] * exp(p[$0]) }
                return (Array(s[0..<d]), Array(s[d...]))
            }
            let residuals: ([Double]) -> [Double] = { p in
                let (d1, d2) = scalings(p)
                let left = characteristicCoefficients(scaledColumns(t11, d, d1), d)
                let right = characteristicCoefficients(scaledRows(v, d, d2.map { 1 / $0 }), d)
                return zip(left, right).map { ($0 - $1) / (1 + abs($0) + abs($1)) }
            }
            // A restart that gains less than 10 % in 20 steps is crawling
            // towards the boundary or a local minimum; near a solution LM
            // converges much faster. Saves most of the time.
            let (solution, r) = LevenbergMarquardt.minimize(
                from: start, options: .init(iterations: 300, target: tolerance, stallWindow: 20), residuals: residuals)
            let norm = LevenbergMarquardt.euclideanNorm(r)
            let (d1, d2) = scalings(solution)
            // A solution must stay away from the boundary: scalings tending
            // to 0 or ∞ (after removing the symmetry δ → tδ, γ → γ/t) only
            // approach the variety, they do not reach it.
            let logs = d1.map { log(abs($0)) }, logs2 = d2.map { log(abs($0)) }
            let shift = logs.reduce(0, +) / Double(d)
            guard (logs.map { $0 - shift } + logs2.map { $0 + shift }).allSatisfy({ abs($0) <= maximumLogScaling }) else { continue }
            guard norm.isFinite else { continue }
            var result = Result(residual: norm, delta1: d1, delta2: d2, intertwiner: nil, productResidual: nil)
            if let numerics, norm < 1e-6, let start = numerics.start(delta: d1, u: d2.map { 1 / $0 }, rng: &rng) {
                let (point, relative) = numerics.polish(start)
                if let r = IntertwinerNumerics.productResidual(tDouble, d: d, x: point) {
                    result = Result(residual: norm, delta1: d1, delta2: d2, intertwiner: point, productResidual: r)
                    // The product residual grows with cond(P); the proof
                    // needs only a small intertwiner residual.
                    if relative < 1e-10 { result.proof = IntertwinerMembership.prove(t, regime: regime, x: point).map { .intertwiner($0) } }
                }
            }
            if best == nil || result.proof != nil || result.evidence < best!.evidence { best = result }
            if result.proof != nil { break }
        }
        return best
    }

    /// Coefficients `c_1 … c_d` of `det(xI − A) = x^d + c_1 x^(d−1) + ⋯`,
    /// multiplied out from the real Schur form (a linear factor per real
    /// eigenvalue, a quadratic per complex pair). Faddeev–LeVerrier, used
    /// before, lost the search at d >= 10; eigenvalues are stable enough.
    static func characteristicCoefficients(_ a: [Double], _ d: Int) -> [Double] {
        guard let s = DoubleMatrix(rows: d, columns: d, { a[$0 * d + $1] }).realSchurForm?.form else {
            return [Double](repeating: .nan, count: d)
        }
        var poly = [1.0]  // highest degree first
        func multiply(_ factor: [Double]) {
            var next = [Double](repeating: 0, count: poly.count + factor.count - 1)
            for (i, p) in poly.enumerated() { for (j, f) in factor.enumerated() { next[i + j] += p * f } }
            poly = next
        }
        var i = 0
        while i < d {
            if i + 1 < d, s[i + 1, i] != 0 {
                // [a b; c e]: x² − (a + e)x + (ae − bc).
                multiply([1, -(s[i, i] + s[i + 1, i + 1]), s[i, i] * s[i + 1, i + 1] - s[i, i + 1] * s[i + 1, i]])
                i += 2
            } else {
                multiply([1, -s[i, i]])
                i += 1
            }
        }
        return Array(poly.dropFirst())
    }

    static func scaledColumns(_ a: [Double], _ d: Int, _ s: [Double]) -> [Double] {
        (0..<(d * d)).map { a[$0] * s[$0 % d] }
    }

    static func scaledRows(_ a: [Double], _ d: Int, _ s: [Double]) -> [Double] {
        (0..<(d * d)).map { a[$0] * s[$0 / d] }
    }
}
