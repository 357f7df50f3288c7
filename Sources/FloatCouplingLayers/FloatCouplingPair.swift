import CouplingCore
import ExactLinearAlgebra
import FloatLinearAlgebra

/// A binary64 coupling pair: `AffineCouplingPair` over `DoubleMatrix`, whose
/// `product` is rounded (see `FloatResidual` for rigorous statements about it).
///
/// ```swift
/// let pair = FloatCouplingPair(A: .identity(2), B: [1, 1], C: [2, 2], D: .identity(2))
/// let product = FloatCouplingPair.product([pair, pair])   // 4×4 matrix
/// ```
public typealias FloatCouplingPair = AffineCouplingPair<DoubleMatrix>

extension FloatCouplingPair {
    /// The identity pair (`A = D = 0`, `B = C = 1`), used for padding.
    public static func identity(_ d: Int) -> FloatCouplingPair {
        let ones = [Double](repeating: 1, count: d)
        return FloatCouplingPair(
            A: DoubleMatrix(rows: d, columns: d), B: ones, C: ones,
            D: DoubleMatrix(rows: d, columns: d))
    }

    /// `L(A, B)` as a `2d × 2d` matrix.
    public var lowerFactor: DoubleMatrix {
        .blocks(.identity(d), DoubleMatrix(rows: d, columns: d), A, .diagonal(B))
    }

    /// `U(C, D)` as a `2d × 2d` matrix.
    public var upperFactor: DoubleMatrix {
        .blocks(.diagonal(C), D, DoubleMatrix(rows: d, columns: d), .identity(d))
    }

    /// Largest `|entry|` of `A`, `B`, `C`, `D`.
    public var maxAbs: Double {
        Swift.max(A.maxAbs, D.maxAbs, (B + C).reduce(0) { Swift.max($0, Swift.abs($1)) })
    }

    /// The same pair in exact arithmetic (every binary64 value is a rational).
    public var exactValue: AffineCouplingPair<RationalMatrix> {
        AffineCouplingPair<RationalMatrix>(
            A: RationalMatrix(exactly: A), B: B.map { Rational(exactly: $0)! }, C: C.map { Rational(exactly: $0)! },
            D: RationalMatrix(exactly: D))
    }
}

extension RationalMatrix {
    /// The exact values of finite binary64 entries.
    public init(exactly m: DoubleMatrix) {
        self.init(rows: m.rows, columns: m.columns) { i, j in Rational(exactly: m[i, j])! }
    }
}
