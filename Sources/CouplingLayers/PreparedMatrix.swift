import ExactLinearAlgebra
import Foundation

/// A `2d × 2d` input with what every construction derives from it: its
/// blocks, determinant, inverse and `V = (T⁻¹)22`. One value goes through a
/// whole run (validation, analysis, constructions, lower bounds), so the
/// determinant and the inverse, the dearest exact steps at large `d`, are
/// each computed at most once; both are computed on first use, since
/// `--prefer height` and the rank-one method never need the inverse.
///
/// ```swift
/// let p = try ExactDecomposer.validate(t)   // computes det T
/// print(p.determinant, p.v?.heightBits ?? 0)  // T⁻¹ computed here, once
/// ```
public final class PreparedMatrix: @unchecked Sendable {
    public let matrix: RationalMatrix
    public let blocks: BlockView
    public var d: Int { blocks.d }

    // The lazily computed values are shared by every holder (the analysis
    // keeps the value for `factorization`), so first use takes a lock.
    private let lock = NSLock()
    private var cachedDeterminant: Rational?
    private var cachedInverse: RationalMatrix??

    /// No validation: for matrices built inside a construction and for
    /// witnesses, which do not need `det > 0`. `t` must be `2d × 2d`.
    public init(_ t: RationalMatrix) {
        matrix = t
        blocks = BlockView(t)
    }

    public var determinant: Rational {
        lock.withLock {
            if let cachedDeterminant { return cachedDeterminant }
            let det = matrix.determinant
            cachedDeterminant = det
            return det
        }
    }

    /// `T⁻¹`, or `nil` when `T` is singular (never after validation).
    public var inverse: RationalMatrix? {
        lock.withLock {
            if let cachedInverse { return cachedInverse }
            let inverse = matrix.inverse()
            cachedInverse = .some(inverse)
            return inverse
        }
    }

    /// `V = (T⁻¹)22`, the block every depth-2 condition and witness pairs with `T11`.
    public var v: RationalMatrix? { inverse?.block(rows: d..<(2 * d), columns: d..<(2 * d)) }
}
