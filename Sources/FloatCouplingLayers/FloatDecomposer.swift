import Foundation
import FloatLinearAlgebra

/// Binary64 coupling-layer factorizations `T ≈ L1 U1 ⋯ Lk Uk`.
///
/// ```swift
/// var g = GaussianMatrixSource(seed: 7)
/// let t = g.matrix(rows: 8, columns: 8)     // flip a column if det < 0
/// let f = try FloatDecomposer.decompose(t)  // depth 3, positive regime
/// let r = FloatResidual.bound(t, f.layers)  // certified ‖T − product‖_F
/// ```
///
/// Scaling: `T = s·T̃` with `s = |det T|^{1/2d}`, so `det T̃ = 1` and the
/// search works at unit scale whatever the magnitude of `T` (1e±100 alike);
/// `s` goes back into the last pair (`L(A, sB) U(sC, sD)`), keeping the
/// largest layer entry proportional to `max|T|`.
public enum FloatDecomposer {
    /// Largest `d` handled by dense Levenberg–Marquardt (`LayerLeastSquares`);
    /// above it the §5 construction is used (`CommutatorConstruction`).
    public static let denseLimit = 16

    /// Target for `‖T − product‖_F / ‖T‖_F` in the least-squares search.
    public static let tolerance = 1e-15

    /// A least-squares start that stalls below this counts as converged.
    public static let acceptable = 1e-13

    /// The depth used when none is asked for: 3 where least squares finds
    /// well-conditioned depth-3 layers, otherwise the depth of
    /// `OrthogonalBlockConstruction` (the depth-3 construction is useless
    /// there, see `CommutatorConstruction`).
    public static func defaultDepth(d: Int) -> Int {
        d <= denseLimit ? 3 : OrthogonalBlockConstruction.depth
    }

    /// Methods by requested depth `k`: `k >= 7` uses `OrthogonalBlockConstruction`
    /// (padded with identity pairs); below that, least squares for
    /// `d <= denseLimit` and the §5 port above it.
    public static func decompose(_ t: DoubleMatrix, depth requested: Int? = nil, regime: FloatRegime = .positive,
                                 seed: UInt64 = 1) throws(FloatDecompositionError) -> FloatFactorization
    {
        let (d, determinant) = try FloatInputCheck.validate(t)
        let depth = requested ?? defaultDepth(d: d)
        guard depth >= 1, d <= denseLimit || depth >= 3 else { throw .invalidDepth(depth) }
        let s = Foundation.exp2(determinant.log2Magnitude / Double(2 * d))
        let unit = (1 / s) * t
        var layers: [FloatCouplingPair]
        let method: FloatFactorization.Method
        if depth >= OrthogonalBlockConstruction.depth, let built = OrthogonalBlockConstruction.layers(unit) {
            layers = built + Array(repeating: .identity(d), count: depth - built.count)
            method = .orthogonalBlocks
        } else if d <= denseLimit {
            layers = try leastSquares(unit, depth: depth, seed: seed)
            method = .leastSquares
        } else {
            guard let built = CommutatorConstruction.layers(unit, seed: seed) else {
                throw .noConvergence(relativeResidual: .infinity)
            }
            layers = built + Array(repeating: .identity(d), count: depth - 3)
            method = .commutatorConstruction
        }
        var last = layers[layers.count - 1]
        last.B = last.B.map { $0 * s }
        last.C = last.C.map { $0 * s }
        last.D = s * last.D
        layers[layers.count - 1] = last
        // The residual itself is certified by `FloatResidual`; here only
        // what would make that meaningless is rejected.
        guard layers.allSatisfy({ $0.A.isFinite && $0.D.isFinite && $0.B.allSatisfy(regime.admits)
                                  && $0.C.allSatisfy(regime.admits) })
        else { throw .noConvergence(relativeResidual: .infinity) }
        return FloatFactorization(layers: layers, regime: regime, method: method)
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
            let fit = solver.fit(t, seed: seed &+ UInt64(attempt), tolerance: tolerance,
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
