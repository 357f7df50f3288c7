import CouplingCore
import FloatLinearAlgebra

/// A binary64 factorization `T ≈ L1 U1 ... Lk Uk` with how it was found.
public struct FloatFactorization: Sendable {
    public let layers: [FloatCouplingPair]
    public let regime: Regime
    /// Which algorithm produced the layers.
    public let method: Method
    /// Why shallower depths of the default ladder were not used (nil when
    /// the first rung met `FloatDecomposer.accuracyBar` or a depth was asked for).
    public let fallback: String?

    public enum Method: String, Sendable {
        /// Levenberg–Marquardt on all layer parameters (`LayerLeastSquares`).
        case leastSquares = "levenberg-marquardt"
        /// §5 with an orthogonal `C` on the dual `J T⁻¹ J` (`HornConstruction.depth3`).
        case horn = "horn-dual"
        /// An orthogonal shear on the right, `T = T̃ N-(X)`, then `horn`
        /// (`HornConstruction.depth4(_:shear: .right)`).
        case rightShearHorn = "right-shear-horn-dual"
        /// An orthogonal shear on the left, `T = N+(Z) T̃`, then `horn`
        /// (`HornConstruction.depth4(_:shear: .left)`).
        case shearHorn = "shear-horn-dual"
        /// Block LU, SVDs and orthogonal commutators (`OrthogonalBlockConstruction`).
        case orthogonalBlocks = "orthogonal-blocks"
    }

    public var depth: Int { layers.count }

    /// Largest `|entry|` over all layers.
    public var maxAbs: Double { layers.map(\.maxAbs).max() ?? 0 }
}
