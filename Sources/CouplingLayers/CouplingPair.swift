import Dispatch
import ExactLinearAlgebra
import Synchronization

/// An exact coupling pair: `AffineCouplingPair` over rationals.
public typealias CouplingPair = AffineCouplingPair<RationalMatrix>

extension CouplingPair {
    public func satisfies(_ regime: Regime) -> Bool { regime.admitsAll(B) && regime.admitsAll(C) }

    /// The largest height (bits of numerator or denominator) in any block.
    public var heightBits: Int { max(A.heightBits, D.heightBits, (B + C).map(\.heightBits).max() ?? 0) }

    /// The largest height in any layer of a network.
    public static func heightBits(_ layers: [CouplingPair]) -> Int { layers.map(\.heightBits).max() ?? 0 }

    /// Whether `L1 U1 ⋯ Lk Uk == t`, exactly, checked as
    /// `F2 ⋯ Fm == L1⁻¹ · t · F2k⁻¹ ⋯ Fm+1⁻¹` for the factors `L1, U1, …, Lk, Uk`.
    ///
    /// Entry heights add up along a product, so the full product's partial
    /// results reach about `2k` times the layer height before collapsing to
    /// `t`; each side only reaches about `k` (measured: `verify` of a
    /// `d = 32` depth-3 certificate went from 112 s to 76 s). Inverting a
    /// layer is exact and cheap (only its diagonals are inverted). The two
    /// sides run on two threads, each taking the next factor from its own
    /// end until they meet, so the split `m` balances itself (one side is
    /// often much dearer per factor, e.g. `t` times inverses of long layers).
    /// Layers with a zero diagonal entry are not invertible and get the
    /// plain product. Both sides stay integer matrices over one denominator
    /// per block (`CommonDenominatorMatrix`): no gcd per entry and step, and
    /// the reduced form makes the final comparison entrywise.
    public static func productEquals(_ layers: [CouplingPair], _ t: RationalMatrix) -> Bool {
        guard let d = layers.first?.d, t.rows == 2 * d, t.columns == 2 * d else { return false }
        guard layers.allSatisfy({ !($0.B + $0.C).contains(where: \.isZero) }) else { return product(layers) == t }
        // L1⁻¹·t changes only t's lower rows, by a product with its short upper
        // rows; the left side then starts at U1 and skips its first tall
        // product (A1·D1, one of five at d = 32).
        let first = layers[0], top = t.block(rows: 0..<d, columns: 0..<(2 * d))
        let lower = RationalMatrix.multiplyAdd(-first.A, top, t.block(rows: d..<(2 * d), columns: 0..<(2 * d)))
        let peeled = RationalMatrix(rows: 2 * d, columns: 2 * d) { i, j in i < d ? t[i, j] : lower[i - d, j] / first.B[i - d] }
        let meeting = MeetInTheMiddle(layers, peeled)
        DispatchQueue.concurrentPerform(iterations: 2) { side in meeting.run(fromLeft: side == 0) }
        let (l, r) = (meeting.leftSide!, meeting.rightSide!)
        return l.left == r.left && l.right == r.right
    }

    /// The two sides of `productEquals` and the factors not yet claimed.
    /// Each thread writes only its own side (separate stored properties, so
    /// their accesses never overlap).
    private final class MeetInTheMiddle: @unchecked Sendable {
        let layers: [Factors]
        let t: RationalMatrix
        /// `F2 ⋯ Fi` and `t · F2k⁻¹ ⋯ Fj⁻¹` once every factor is claimed
        /// (`t` with `L1` already peeled off).
        var leftSide: ColumnBlocks?
        var rightSide: ColumnBlocks?
        private let next: Mutex<(left: Int, right: Int)>

        init(_ layers: [CouplingPair], _ t: RationalMatrix) {
            self.layers = layers.map(Factors.init)
            self.t = t
            next = Mutex((left: 1, right: 2 * layers.count - 1))
        }

        /// Applies factors to one side until every factor is claimed.
        func run(fromLeft: Bool) {
            var side = ColumnBlocks(fromLeft ? .identity(t.rows) : t)
            while let factor = next.withLock({ range -> Int? in
                guard range.left <= range.right else { return nil }
                if fromLeft { range.left += 1; return range.left - 1 }
                range.right -= 1; return range.right + 1
            }) {
                side.multiply(by: factor, of: layers, inverted: !fromLeft)
            }
            if fromLeft { leftSide = side } else { rightSide = side }
        }
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
