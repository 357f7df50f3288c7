import CouplingCore

/// Binary64 coupling pairs multiply in `DoubleMatrix` itself (BLAS).
extension DoubleMatrix: CouplingMatrix, ColumnBlockArithmetic {
    public var productForm: DoubleMatrix { self }

    public var columnHalves: (left: DoubleMatrix, right: DoubleMatrix) {
        let d = columns / 2
        return (block(rows: 0..<rows, columns: 0..<d), block(rows: 0..<rows, columns: d..<columns))
    }

    public init(columnHalves left: DoubleMatrix, _ right: DoubleMatrix) { self = .horizontal([left, right]) }

    public func scalingColumns(_ s: [Double]) -> DoubleMatrix { scalingColumns(by: s) }

    public func dividingColumns(_ s: [Double]) -> DoubleMatrix { scalingColumns(by: s.map { 1 / $0 }) }
}
