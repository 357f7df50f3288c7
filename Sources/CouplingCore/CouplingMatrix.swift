/// A matrix type the blocks of a coupling pair are stored in
/// (`RationalMatrix`, `DoubleMatrix`).
///
/// Products of pairs run in `ProductForm`, which may differ from the
/// stored type: rational blocks are multiplied as integer matrices over
/// common denominators, binary64 blocks as themselves.
public protocol CouplingMatrix: Equatable, Sendable {
    associatedtype Scalar: Equatable & Sendable
    associatedtype ProductForm: ColumnBlockArithmetic where ProductForm.Scalar == Scalar

    var rows: Int { get }
    var columns: Int { get }
    static func identity(_ n: Int) -> Self

    /// `self` converted once, to be multiplied many times.
    var productForm: ProductForm { get }

    /// The left and right column halves of a `2d × 2d` matrix.
    var columnHalves: (left: ProductForm, right: ProductForm) { get }

    /// `[left right]`.
    init(columnHalves left: ProductForm, _ right: ProductForm)
}

/// The three operations that multiply a block column pair by a coupling
/// factor: `c ± a·b` and column scaling by a diagonal or its inverse.
public protocol ColumnBlockArithmetic: Sendable {
    associatedtype Scalar

    /// `c + a·b`, or `c − a·b` when `subtracting`.
    static func multiplyAdd(_ a: Self, _ b: Self, _ c: Self, subtracting: Bool) -> Self

    /// `self · diag(s)`.
    func scalingColumns(_ s: [Scalar]) -> Self

    /// `self · diag(s)⁻¹`.
    func dividingColumns(_ s: [Scalar]) -> Self
}
