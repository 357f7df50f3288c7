import ExactLinearAlgebra

/// One linear affine coupling pair `L(A, B) · U(C, D)` with
/// `L = [I 0; A diag(B)]` and `U = [diag(C) D; 0 I]` (`d × d` blocks).
///
/// ```swift
/// let pair = CouplingPair(A: .zero(2, 2), B: [1, 1], C: [2, 3], D: .identity(2))
/// let m = CouplingPair.product([pair])   // [diag(2,3) I; 0 I]
/// ```
public struct CouplingPair: Equatable, Sendable {
    public var A: RationalMatrix
    public var B: [Rational]
    public var C: [Rational]
    public var D: RationalMatrix

    public init(A: RationalMatrix, B: [Rational], C: [Rational], D: RationalMatrix) {
        self.A = A; self.B = B; self.C = C; self.D = D
    }

    public var d: Int { B.count }

    /// Whether the four blocks have the shapes of one block size `d`.
    public var isWellShaped: Bool {
        let d = B.count
        return d > 0 && C.count == d && A.rows == d && A.columns == d && D.rows == d && D.columns == d
    }

    public func satisfies(_ regime: Regime) -> Bool { regime.admitsAll(B) && regime.admitsAll(C) }

    /// The largest height (bits of numerator or denominator) in any block.
    public var heightBits: Int { max(A.heightBits, D.heightBits, (B + C).map(\.heightBits).max() ?? 0) }

    /// The largest height in any layer of a network.
    public static func heightBits(_ layers: [CouplingPair]) -> Int { layers.map(\.heightBits).max() ?? 0 }

    /// `L1 U1 L2 U2 … Lk Uk`, applied block-wise right to left so each step
    /// costs two `d × d` by `d × 2d` products instead of a full `2d` product.
    public static func product(_ layers: [CouplingPair]) -> RationalMatrix {
        guard let d = layers.first?.d else { preconditionFailure("empty network") }
        var top = RationalMatrix.blocks(.identity(d), .zero(d, d), .zero(0, d), .zero(0, d))
        var bottom = RationalMatrix.blocks(.zero(d, d), .identity(d), .zero(0, d), .zero(0, d))
        for layer in layers.reversed() {
            // U: top ← diag(C)·top + D·bottom
            top = scaleRows(top, layer.C) + layer.D * bottom
            // L: bottom ← A·top + diag(B)·bottom
            bottom = layer.A * top + scaleRows(bottom, layer.B)
        }
        return RationalMatrix(rows: 2 * d, columns: 2 * d) { i, j in i < d ? top[i, j] : bottom[i - d, j] }
    }

    static func scaleRows(_ m: RationalMatrix, _ s: [Rational]) -> RationalMatrix {
        RationalMatrix(rows: m.rows, columns: m.columns) { i, j in s[i] * m[i, j] }
    }
}

/// The `d × d` blocks of a `2d × 2d` matrix.
public struct BlockView: Sendable {
    public let t11, t12, t21, t22: RationalMatrix
    public let d: Int

    public init(_ t: RationalMatrix) {
        precondition(t.rows == t.columns && t.rows % 2 == 0)
        d = t.rows / 2
        t11 = t.block(rows: 0..<d, columns: 0..<d)
        t12 = t.block(rows: 0..<d, columns: d..<(2 * d))
        t21 = t.block(rows: d..<(2 * d), columns: 0..<d)
        t22 = t.block(rows: d..<(2 * d), columns: d..<(2 * d))
    }
}
