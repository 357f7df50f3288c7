import ExactLinearAlgebra

/// A unit triangular `d × d` matrix as a product of `⌈log2 d⌉` square-zero
/// unipotents `I + N`, one per level of the halving tree of `0..<d`.
///
/// Splitting an interval into halves `a`, `b` gives
/// `[La 0; M Lb] = [I 0; M·La⁻¹ I]·diag(La, Lb) = diag(La, Lb)·[I 0; Lb⁻¹·M I]`
/// (and the transposed identities for upper triangular matrices); the
/// halves recurse independently, so one level's blocks together form one
/// `N` with `N² = 0`. Each block is a ratio of minors of the matrix the
/// triangular factor came from, so no entry is longer than the input's
/// minors.
struct SquareZeroLevels {
    /// `N` per level, in product order.
    let blocks: [RationalMatrix]
    /// Per level, the coordinates that hold `N`'s nonzero rows and columns.
    let rowSupport: [[Int]]
    let columnSupport: [[Int]]

    /// The split intervals of `0..<d`, level by level from the top.
    static func halvingTree(_ d: Int) -> [[(a: Range<Int>, b: Range<Int>)]] {
        var levels: [[(a: Range<Int>, b: Range<Int>)]] = []
        var intervals = [0..<d]
        while intervals.contains(where: { $0.count >= 2 }) {
            let splits = intervals.filter { $0.count >= 2 }.map { r in
                (a: r.lowerBound..<(r.lowerBound + r.count / 2), b: (r.lowerBound + r.count / 2)..<r.upperBound)
            }
            levels.append(splits)
            intervals = splits.flatMap { [$0.a, $0.b] }
        }
        return levels
    }

    /// `m = (I + N_1)⋯(I + N_k)` for unit triangular `m`. With `topFirst`
    /// the top level comes first (blocks `M·La⁻¹`, or `M·Ub⁻¹` for upper),
    /// otherwise last (`Lb⁻¹·M`, or `Ua⁻¹·M`): the choice decides which
    /// blocks are ratios of minors for an `LDU` factor.
    init(_ m: RationalMatrix, upper: Bool, topFirst: Bool) {
        let d = m.rows
        var blocks: [RationalMatrix] = [], rows: [[Int]] = [], columns: [[Int]] = []
        for level in Self.halvingTree(d) {
            var n = RationalMatrix.zero(d, d)
            for (a, b) in level {
                let (target, source) = upper ? (a, b) : (b, a)
                let off = m.block(rows: target, columns: source)
                let block: RationalMatrix
                switch (upper, topFirst) {
                case (false, true): block = off * m.block(rows: a, columns: a).triangularInverse(upper: false)
                case (false, false): block = m.block(rows: b, columns: b).triangularInverse(upper: false) * off
                case (true, true): block = off * m.block(rows: b, columns: b).triangularInverse(upper: true)
                case (true, false): block = m.block(rows: a, columns: a).triangularInverse(upper: true) * off
                }
                for (i, row) in target.enumerated() { for (j, column) in source.enumerated() { n[row, column] = block[i, j] } }
            }
            blocks.append(n)
            rows.append(level.flatMap { upper ? Array($0.a) : Array($0.b) })
            columns.append(level.flatMap { upper ? Array($0.b) : Array($0.a) })
        }
        if !topFirst { blocks.reverse(); rows.reverse(); columns.reverse() }
        self.blocks = blocks
        rowSupport = rows
        columnSupport = columns
    }

    /// `diag(I + N1, I + N2)` as four unipotent blocks, for square-zero `N1`,
    /// `N2` whose supports interlock: `N1`'s rows are `N2`'s columns
    /// (`rows1`) and `N1`'s columns are `N2`'s rows (`columns1`), as for a
    /// lower and an upper triangular level of one halving tree.
    ///
    /// With `E` the projection onto `rows1` and `Y = N1 − N2`, the
    /// commutator `[I E; 0 I][I 0; Y I][I −E; 0 I][I 0; −Y I]` is
    /// `[I+N1 0; −N2·N1 I+N2]`, so one more lower block `N2·N1` finishes it
    /// (`startsUpper`). The mirror image starts with a lower block: `E` onto
    /// `columns1`, `X = N2 − N1`, and the correction `N1·N2` is upper.
    static func blockDiagonal(
        _ n1: RationalMatrix, _ n2: RationalMatrix, rows1: [Int], columns1: [Int],
        startsUpper: Bool
    ) -> [BlockFactor] {
        let d = n1.rows
        var e = RationalMatrix.zero(d, d)
        for i in startsUpper ? rows1 : columns1 { e[i, i] = .one }
        if startsUpper {
            let y = n1 - n2
            return [.upper(e), .lower(y), .upper(-e), .lower(n2 * n1 - y)]
        }
        let x = n2 - n1
        return [.lower(e), .upper(x), .lower(-e), .upper(n1 * n2 - x)]
    }
}
