/// One linear affine coupling pair `L(A, B) · U(C, D)` with
/// `L = [I 0; A diag(B)]` and `U = [diag(C) D; 0 I]` (`d × d` blocks), in
/// either arithmetic: `CouplingPair` (exact) and `FloatCouplingPair`
/// (binary64) are this type.
///
/// ```swift
/// let pair = CouplingPair(A: .zero(2, 2), B: [1, 1], C: [2, 3], D: .identity(2))
/// let m = CouplingPair.product([pair])   // [diag(2,3) I; 0 I]
/// ```
public struct AffineCouplingPair<Matrix: CouplingMatrix>: Equatable, Sendable {
    public typealias Scalar = Matrix.Scalar

    public var A: Matrix
    public var B: [Scalar]
    public var C: [Scalar]
    public var D: Matrix

    public init(A: Matrix, B: [Scalar], C: [Scalar], D: Matrix) {
        let d = B.count
        precondition(
            C.count == d && A.rows == d && A.columns == d && D.rows == d && D.columns == d,
            "coupling pair blocks must all be d×d (B, C of length d)")
        self.A = A; self.B = B; self.C = C; self.D = D
    }

    public var d: Int { B.count }

    /// `L1 U1 L2 U2 … Lk Uk`, applied block-wise left to right so each step
    /// costs one `2d × d` by `d × d` product instead of a full `2d` product.
    public static func product(_ layers: [Self]) -> Matrix {
        guard let d = layers.first?.d else { preconditionFailure("empty network") }
        let factors = layers.map(Factors.init)
        var sides = ColumnBlocks(.identity(2 * d))
        for factor in 0..<(2 * layers.count) { sides.multiply(by: factor, of: factors) }
        return sides.matrix
    }

    /// A pair's blocks in product form, converted once per product.
    public struct Factors: Sendable {
        let A, D: Matrix.ProductForm
        let B, C: [Scalar]

        public init(_ pair: AffineCouplingPair) {
            A = pair.A.productForm; D = pair.D.productForm
            B = pair.B; C = pair.C
        }
    }

    /// A `2d × 2d` matrix as its column blocks `[left | right]`, multiplied
    /// on the right by single factors `F` of `L1, U1, …, Lk, Uk` or their
    /// inverses: each step is one `2d × d` by `d × d` product and one
    /// column scaling, and no `2d × 2d` factor is ever formed.
    public struct ColumnBlocks {
        public var left: Matrix.ProductForm
        public var right: Matrix.ProductForm

        public init(_ m: Matrix) { (left, right) = m.columnHalves }

        public var matrix: Matrix { Matrix(columnHalves: left, right) }

        /// `self · F` (or `self · F⁻¹`) for factor number `factor`
        /// (`L` of pair `factor / 2` when even, its `U` when odd).
        public mutating func multiply(by factor: Int, of layers: [Factors], inverted: Bool = false) {
            let layer = layers[factor / 2]
            switch (inverted, factor % 2 == 1) {
            case (false, false):
                // ·L = ·[I 0; A B]: left += right·A, right = right·B
                left = .multiplyAdd(right, layer.A, left, subtracting: false)
                right = right.scalingColumns(layer.B)
            case (false, true):
                // ·U = ·[C D; 0 I]: right += left·D, left = left·C
                right = .multiplyAdd(left, layer.D, right, subtracting: false)
                left = left.scalingColumns(layer.C)
            case (true, true):
                // ·U⁻¹ = ·[C⁻¹ −C⁻¹D; 0 I]
                left = left.dividingColumns(layer.C)
                right = .multiplyAdd(left, layer.D, right, subtracting: true)
            case (true, false):
                // ·L⁻¹ = ·[I 0; −B⁻¹A B⁻¹]
                right = right.dividingColumns(layer.B)
                left = .multiplyAdd(right, layer.A, left, subtracting: true)
            }
        }
    }
}
