import CouplingCore
import ExactLinearAlgebra
import FloatLinearAlgebra

/// Certified upper bounds on `‖T − L1 U1 ⋯ Lk Uk‖_F`, the residual in exact
/// real arithmetic on the binary64 values of `T` and of the layers.
///
/// ```swift
/// let r = FloatResidual.bound(t, factorization.layers)
/// print(r.value, r.method)          // e.g. 3.1e-15 exact
/// ```
public enum FloatResidual {
    public enum Method: String, Sendable {
        /// Exact rational product and squared norm, then a binary64 `r`
        /// with `r² ≥ s` verified exactly.
        case exact
        /// The product kept in double-double with error-free splitting and
        /// a rigorous bound on every step (`compensatedBound`), evaluated so
        /// that rounding can only make it larger.
        case compensated
    }

    public struct Bound: Sendable {
        /// An upper bound on the residual (a binary64 value; its exact
        /// rational is `Rational(exactly: value)`); `.infinity` if the
        /// bound overflows.
        public let value: Double
        public let method: Method
    }

    /// Largest `2d` computed exactly by default; above it, the compensated bound.
    public static let defaultExactLimit = 128

    public static func bound(
        _ t: DoubleMatrix, _ layers: [FloatCouplingPair],
        exactLimit: Int = defaultExactLimit
    ) -> Bound {
        precondition(t.isSquare && t.rows == 2 * (layers.first?.d ?? 0), "layers do not fit T")
        precondition(t.isFinite && layers.allSatisfy { $0.A.isFinite && $0.D.isFinite }, "non-finite input")
        if t.rows <= exactLimit {
            return Bound(value: squareRootUp(exactSquaredResidual(t, layers)), method: .exact)
        }
        return Bound(value: compensatedBound(t, layers), method: .compensated)
    }

    /// `‖T − Π‖²_F` as an exact rational.
    public static func exactSquaredResidual(_ t: DoubleMatrix, _ layers: [FloatCouplingPair]) -> Rational {
        exactSquaredResidual(RationalMatrix(exactly: t), layers)
    }

    /// `‖T − Π‖²_F` for an exact `T`, with `Π` the exact product of the
    /// binary64 layers (the exact coupling-pair product).
    static func exactSquaredResidual(_ t: RationalMatrix, _ layers: [FloatCouplingPair]) -> Rational {
        squaredNorm(t - AffineCouplingPair.product(layers.map(\.exactValue)))
    }

    static func squaredNorm(_ m: RationalMatrix) -> Rational { m.entries.reduce(Rational.zero) { $0 + $1 * $1 } }

    /// A binary64 `r ≥ √s`, verified with exact arithmetic: start from the
    /// rounded square root computed at a power-of-two scale (no underflow),
    /// then step up until `r·r ≥ s` holds exactly.
    static func squareRootUp(_ s: Rational) -> Double {
        guard s.sign > 0 else { return 0 }
        let e = Int((s.log2Magnitude / 2).rounded(.down))
        let scaled = s * Rational.powerOfTwo(-2 * e)
        var r = Double(sign: .plus, exponent: e, significand: scaled.doubleValue.squareRoot())
        if !r.isFinite { return .infinity }
        while let exact = Rational(exactly: r), exact * exact < s {
            r = r.nextUp
            if !r.isFinite { return .infinity }
        }
        return r
    }

    /// `x · (1 + 2(K+1)u)`, one ulp up: exceeds the exact value of a
    /// nonnegative quantity whose computation had at most `K` roundings.
    static func inflate(_ x: Double, _ roundings: Int) -> Double {
        (x * (1 + Double(2 * (roundings + 1)) * (Double.ulpOfOne / 2))).nextUp
    }

    /// An upper bound on the Frobenius norm of the exact real matrix whose
    /// entries are `(1 ± u)`-perturbations of those of `x` (covers `T − P̂`
    /// computed entrywise): entries are scaled by an exact power of two,
    /// squared and summed (at most `N + 1` roundings per term, `N` entries,
    /// plus `η` per term for underflow), then the square root is taken.
    static func frobeniusUp(_ x: DoubleMatrix) -> Double {
        let largest = x.maxAbs
        guard largest > 0 else { return 0 }
        guard largest.isFinite else { return .infinity }
        let e = largest.exponent
        let count = x.entries.count
        var sum = 0.0
        for v in x.entries {
            let w = Double(sign: .plus, exponent: -e, significand: Swift.abs(v))
            sum += w * w
        }
        let withUnderflow = sum + Double(count) * Double.leastNonzeroMagnitude.nextUp
        let sumUp = inflate(withUnderflow / (1 - Double(count + 2) * Double.ulpOfOne), 2 * count + 4)
        let rootUp = inflate(sumUp.squareRoot(), 1)
        return inflate(Double(sign: .plus, exponent: e, significand: rootUp), 1)
    }
}
