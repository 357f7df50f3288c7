import FloatLinearAlgebra

/// One linear affine coupling pair `L(A, B) U(C, D)` in binary64, with
/// `L(A, B) = [I 0; A diag(B)]` and `U(C, D) = [diag(C) D; 0 I]`.
///
/// ```swift
/// let pair = FloatCouplingPair(A: .identity(2), B: [1, 1], C: [2, 2], D: .identity(2))
/// let product = FloatCouplingPair.product([pair, pair])   // 4×4 matrix
/// ```
public struct FloatCouplingPair: Equatable, Sendable {
    public var A: DoubleMatrix
    public var B: [Double]
    public var C: [Double]
    public var D: DoubleMatrix

    public init(A: DoubleMatrix, B: [Double], C: [Double], D: DoubleMatrix) {
        let d = B.count
        precondition(
            C.count == d && A.rows == d && A.columns == d && D.rows == d && D.columns == d,
            "coupling pair blocks must all be d×d (B, C of length d)")
        self.A = A
        self.B = B
        self.C = C
        self.D = D
    }

    /// The identity pair (`A = D = 0`, `B = C = 1`), used for padding.
    public static func identity(_ d: Int) -> FloatCouplingPair {
        let ones = [Double](repeating: 1, count: d)
        return FloatCouplingPair(
            A: DoubleMatrix(rows: d, columns: d), B: ones, C: ones,
            D: DoubleMatrix(rows: d, columns: d))
    }

    public var d: Int { B.count }

    /// `L(A, B)` as a `2d × 2d` matrix.
    public var lowerFactor: DoubleMatrix {
        .blocks(.identity(d), DoubleMatrix(rows: d, columns: d), A, .diagonal(B))
    }

    /// `U(C, D)` as a `2d × 2d` matrix.
    public var upperFactor: DoubleMatrix {
        .blocks(.diagonal(C), D, DoubleMatrix(rows: d, columns: d), .identity(d))
    }

    /// `L(A,B) U(C,D) = [diag(C)  D; A·diag(C)  A·D + diag(B)]` in binary64.
    public var matrix: DoubleMatrix {
        let ad = A * D
        let adPlusB = DoubleMatrix(rows: d, columns: d) { ad[$0, $1] + ($0 == $1 ? B[$0] : 0) }
        return .blocks(.diagonal(C), D, A.scalingColumns(by: C), adPlusB)
    }

    /// Largest `|entry|` of `A`, `B`, `C`, `D`.
    public var maxAbs: Double {
        Swift.max(A.maxAbs, D.maxAbs, (B + C).reduce(0) { Swift.max($0, Swift.abs($1)) })
    }

    /// The binary64 product `L1 U1 L2 U2 ... Lk Uk` (rounded; see
    /// `FloatResidual` for rigorous statements about it).
    public static func product(_ layers: [FloatCouplingPair]) -> DoubleMatrix {
        precondition(!layers.isEmpty, "product of no layers")
        return layers.dropFirst().reduce(layers[0].matrix) { $0 * $1.matrix }
    }
}
