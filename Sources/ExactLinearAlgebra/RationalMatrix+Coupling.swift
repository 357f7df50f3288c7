import CouplingCore

/// Exact coupling pairs multiply in `CommonDenominatorMatrix`: a step costs
/// one content gcd per column where canonical rationals cost one per entry.
extension RationalMatrix: CouplingMatrix {
    public var productForm: CommonDenominatorMatrix { CommonDenominatorMatrix(self) }

    public var columnHalves: (left: CommonDenominatorMatrix, right: CommonDenominatorMatrix) {
        let d = columns / 2
        return (
            CommonDenominatorMatrix(block(rows: 0..<rows, columns: 0..<d)),
            CommonDenominatorMatrix(block(rows: 0..<rows, columns: d..<columns))
        )
    }

    public init(columnHalves left: CommonDenominatorMatrix, _ right: CommonDenominatorMatrix) {
        let (l, r) = (left.rational, right.rational)
        self.init(rows: l.rows, columns: l.columns + r.columns) { i, j in j < l.columns ? l[i, j] : r[i, j - l.columns] }
    }
}

extension CommonDenominatorMatrix: ColumnBlockArithmetic {
    public func dividingColumns(_ s: [Rational]) -> CommonDenominatorMatrix { scalingColumns(s.map(\.reciprocal)) }
}
