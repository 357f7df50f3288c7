import CouplingCore
import Foundation
import FloatLinearAlgebra

/// Binary64 coupling-layer factorizations `T ≈ L1 U1 ⋯ Lk Uk`.
///
/// ```swift
/// var g = GaussianMatrixSource(seed: 7)
/// let t = g.matrix(rows: 8, columns: 8)     // flip a column if det < 0
/// let f = try FloatDecomposer.decompose(t)  // shallowest depth meeting accuracyBar
/// let r = FloatResidual.bound(t, f.layers)  // certified ‖T − product‖_F
/// ```
///
/// Scaling: `T = s·T̃` with `s = |det T|^{1/2d}`, so `det T̃ = 1` and the
/// search works at unit scale whatever the magnitude of `T` (1e±100 alike);
/// `s` goes back into the pairs (`L(A, σB) U(σC, σD)`, `∏σ = s`) where it
/// least hurts their conditioning (`ScaleDistribution`).
public enum FloatDecomposer {
    /// Largest `d` handled by dense Levenberg–Marquardt (`LayerLeastSquares`),
    /// tried where the constructions miss `accuracyBar` (and for depths 1, 2).
    public static let denseLimit = 16

    /// Largest `d` at which the default ladder tries least squares where a
    /// construction misses the bar: it finds depth 3 for `T11 = 0` inputs in
    /// 0.1–1.5 s up to `d = 8`, but spent 39 s and failed at `d = 12`
    /// (scripts/float-exit-codes.py), where depth 4 takes 0.1 s.
    public static let ladderLeastSquaresLimit = 8

    /// Target for `‖T − product‖_F / ‖T‖_F` in the least-squares search.
    public static let tolerance = 1e-15

    /// A least-squares start that stalls below this counts as converged.
    public static let acceptable = 1e-13

    /// Largest accepted `‖T − product‖_F / ‖T‖_F` before the default ladder
    /// moves on to the next depth: issue 13's targets, 1e-12 up to d = 256
    /// and 1e-10 at d = 1024, log-linear in between and beyond (rounding in
    /// d-term sums and in κ grows with d; depth 3 reaches 3.8e-11 at 1024).
    public static func accuracyBar(d: Int) -> Double {
        d <= 256 ? 1e-12 : 1e-12 * Foundation.pow(Double(d) / 256, Foundation.log(100) / Foundation.log(4))
    }

    /// Depths tried in order when none is asked for; the last is accepted
    /// whatever its residual, so a valid input always gets layers.
    public static let ladder = [3, 4, OrthogonalBlockConstruction.depth]

    /// Without `depth`, the rungs of `ladder` in order until one meets
    /// `accuracyBar` (the reasons for skipping go into `fallback`). With
    /// `depth = k`, exactly `k` or an error: `k >= 7` uses
    /// `OrthogonalBlockConstruction`, `k = 4..6` `HornConstruction.depth4`
    /// (right shear, then left),
    /// `k = 3` `HornConstruction.depth3` (padded with identity pairs); where
    /// those miss `accuracyBar` and for `k <= 2`, least squares if
    /// `d <= denseLimit` (`ladderLeastSquaresLimit` in the ladder).
    ///
    /// `determinantSignKnown`: the caller proved `det T > 0` exactly, so an
    /// input too ill-conditioned for LU to certify that sign is still
    /// decomposed (with an honest, possibly large, certified residual).
    public static func decompose(
        _ t: DoubleMatrix, depth requested: Int? = nil, regime: Regime = .positive,
        seed: UInt64 = 1, determinantSignKnown: Bool = false
    )
        throws(FloatDecompositionError) -> FloatFactorization
    {
        let (d, determinant): (Int, DeterminantEstimate)
        do { (d, determinant) = try FloatInputCheck.validate(t) } catch {
            guard case .tooIllConditioned = error, determinantSignKnown, let estimate = t.determinantEstimate else { throw error }
            (d, determinant) = (t.rows / 2, estimate)
        }
        if let requested { guard requested >= 1, d <= denseLimit || requested >= 3 else { throw .invalidDepth(requested) } }
        let s = Foundation.exp2(determinant.log2Magnitude / Double(2 * d))
        let unit = (1 / s) * t
        let rungs = requested.map { [$0] } ?? ladder
        let bar = accuracyBar(d: d)
        var skipped: [String] = []
        var closest: (built: Built, residual: Double)?
        var failure = FloatDecompositionError.noConvergence(relativeResidual: .infinity)
        func result(_ built: Built, _ note: String? = nil) -> FloatFactorization {
            let scaled = ScaleDistribution.distribute(s, over: built.layers)
            let fallback = (skipped + (note.map { [$0] } ?? [])).joined(separator: "; ")
            return FloatFactorization(
                layers: scaled, regime: regime, method: built.method,
                fallback: fallback.isEmpty ? nil : fallback)
        }
        for depth in rungs {
            let built: Built
            do {
                built = try layers(
                    unit, depth: depth, seed: seed,
                    leastSquaresLimit: requested == nil ? ladderLeastSquaresLimit : denseLimit)
            } catch {
                failure = error
                skipped.append("depth \(depth): \(reason(error, bar: bar))")
                continue
            }
            // The residual itself is certified by `FloatResidual`; here only
            // what would make that meaningless is rejected.
            guard
                built.layers.allSatisfy({
                    $0.A.isFinite && $0.D.isFinite && $0.B.allSatisfy(regime.admits)
                        && $0.C.allSatisfy(regime.admits)
                })
            else {
                skipped.append("depth \(depth): non-finite or inadmissible layer entries")
                continue
            }
            // The last rung is taken as is unless a shallower one came closer.
            let lastResort = depth == rungs.last && closest == nil
            let residual = built.relativeResidual ?? (lastResort ? 0 : relativeResidual(unit, built.layers))
            if residual <= bar || lastResort { return result(built) }
            skipped.append("depth \(depth): relative residual \(short(residual)) above \(short(bar))")
            if residual < closest?.residual ?? .infinity { closest = (built, residual) }
        }
        guard let closest else { throw failure }
        return result(closest.built, "kept depth \(closest.built.layers.count), the smallest residual")
    }

    /// Gauss–Newton steps and LSQR iterations per step refining the Horn
    /// layers (`LayerRefinement.refine`, aiming at a tenth of `accuracyBar`).
    /// At d = 256 LSQR reaches 1.4% of the construction's residual (6e-11)
    /// in 24 iterations, 8e-13 (two steps of 8 and 12 iterations left
    /// 8.5e-13 in more time); at d = 1024 an iteration costs ~56d³ binary32
    /// flops (1.3 s) and 16 reach 3.6e-11 against a 1e-10 bar.
    static func refinementBudget(d: Int) -> (steps: Int, iterations: Int) { (3, d <= 256 ? 24 : 16) }

    /// Layers, method and the relative residual when already known (the
    /// last rung needs none: at d = 1024 the binary64 product costs 10 s).
    private typealias Built = (layers: [FloatCouplingPair], method: FloatFactorization.Method, relativeResidual: Double?)

    /// Exactly `depth` pairs for `t` with `det t = 1`, or why not.
    private static func layers(_ t: DoubleMatrix, depth: Int, seed: UInt64, leastSquaresLimit: Int)
        throws(FloatDecompositionError) -> Built
    {
        let d = t.rows / 2
        let padding = { (count: Int) in Array(repeating: FloatCouplingPair.identity(d), count: depth - count) }
        if depth >= OrthogonalBlockConstruction.depth, let built = OrthogonalBlockConstruction.layers(t) {
            return (built + padding(built.count), .orthogonalBlocks, nil)
        }
        // Depth 4..6: the right shear, and the left one only where it misses the bar.
        let candidates: [(() -> [FloatCouplingPair]?, FloatFactorization.Method)]
        switch depth {
        case 3: candidates = [({ HornConstruction.depth3(t) }, .horn)]
        case 4...:
            candidates = [
                ({ HornConstruction.depth4(t, shear: .right) }, .rightShearHorn),
                ({ HornConstruction.depth4(t, shear: .left) }, .shearHorn),
            ]
        default: candidates = []
        }
        var constructed: Built?
        for (construction, method) in candidates where (constructed?.relativeResidual ?? .infinity) > accuracyBar(d: d) {
            guard let horn = construction() else { continue }
            let budget = refinementBudget(d: d)
            let refined = LayerRefinement.refine(
                t, horn, goal: accuracyBar(d: d) / 10, bar: accuracyBar(d: d), steps: budget.steps,
                iterations: budget.iterations)
            if refined.relativeResidual < constructed?.relativeResidual ?? .infinity {
                constructed = (refined.layers + padding(horn.count), method, refined.relativeResidual)
            }
        }
        guard (constructed?.relativeResidual ?? .infinity) > accuracyBar(d: d), d <= leastSquaresLimit else {
            guard let constructed else { throw .noConvergence(relativeResidual: .infinity) }
            return constructed
        }
        do {
            return (try leastSquares(t, depth: depth, seed: seed), .leastSquares, nil)
        } catch {
            guard let constructed else { throw error }
            return constructed
        }
    }

    /// `‖t − product‖_F / ‖t‖_F` in binary64: enough to rank rungs against
    /// `accuracyBar`, not a certificate.
    static func relativeResidual(_ t: DoubleMatrix, _ layers: [FloatCouplingPair]) -> Double {
        let r = (t - FloatCouplingPair.product(layers)).frobeniusNorm / t.frobeniusNorm
        return r.isNaN ? .infinity : r
    }

    private static func short(_ x: Double) -> String { String(format: "%.1e", x) }

    private static func reason(_ error: FloatDecompositionError, bar: Double) -> String {
        guard case let .noConvergence(r) = error else { return error.description }
        return r.isFinite
            ? "relative residual \(short(r)) above \(short(bar))"
            : "the construction needs an invertible leading block (of T or of the dual J·T⁻¹·J)"
    }

    /// Best of a few seeded Levenberg–Marquardt starts (stops at the first
    /// that reaches `tolerance`). Layers have positive diagonals, so they
    /// satisfy both regimes.
    private static func leastSquares(_ t: DoubleMatrix, depth: Int, seed: UInt64)
        throws(FloatDecompositionError) -> [FloatCouplingPair]
    {
        let solver = LayerLeastSquares(d: t.rows / 2, depth: depth)
        var best: (parameters: [Double], relativeResidual: Double)?
        for attempt in 0..<4 {
            let fit = solver.fit(
                t, seed: seed &+ UInt64(attempt), tolerance: tolerance,
                acceptable: acceptable, maxIterations: 200)
            if best == nil || fit.relativeResidual < best!.relativeResidual { best = fit }
            if fit.relativeResidual <= acceptable { break }
        }
        guard let best, best.relativeResidual <= acceptable else {
            throw .noConvergence(relativeResidual: best?.relativeResidual ?? .infinity)
        }
        return solver.layers(best.parameters)
    }
}
