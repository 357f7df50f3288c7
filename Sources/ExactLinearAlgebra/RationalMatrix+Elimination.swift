import CGMP

extension RationalMatrix {
    /// The determinant, by fraction-free (Bareiss) elimination on the
    /// row-scaled integer matrix.
    public var determinant: Rational {
        precondition(isSquare, "determinant of a non-square matrix")
        if rows == 0 { return .one }
        let (scaled, scales) = IntegerMatrix.rowScaled(self)
        let det = scaled.determinant()
        let t = IntegerScratch()
        __gmpz_set_ui(t.a, 1)
        for i in 0..<rows { __gmpz_mul(t.a, t.a, scales[i, 0]) }
        return Rational.quotient(det.a, t.a)
    }

    /// Reduced row echelon form and its pivot columns, by fraction-free
    /// Gauss–Jordan elimination; pivots are chosen among the first
    /// `pivotColumnLimit` columns (all by default).
    public func reducedRowEchelonForm(pivotColumnLimit: Int? = nil) -> (form: RationalMatrix, pivotColumns: [Int]) {
        let m = IntegerMatrix.rowScaled(self).values
        let (pivots, pivot) = m.gaussJordan(pivotColumnLimit: pivotColumnLimit ?? columns)
        var out: [Rational] = []
        out.reserveCapacity(rows * columns)
        for i in 0..<rows {
            for j in 0..<columns {
                out.append(i < pivots.count ? Rational.quotient(m[i, j], pivot.a) : .zero)
            }
        }
        return (RationalMatrix(rows: rows, columns: columns, entries: out), pivots)
    }

    public var rank: Int { reducedRowEchelonForm().pivotColumns.count }

    /// The solution `X` of `self · X = rhs` for square invertible `self`;
    /// `nil` when `self` is singular.
    public func solve(_ rhs: RationalMatrix) -> RationalMatrix? {
        precondition(isSquare && rhs.rows == rows, "shape mismatch in solve")
        let m = IntegerMatrix.rowScaled(self, augment: rhs).values
        guard let det = m.solveInPlace() else { return nil }
        return RationalMatrix(rows: rows, columns: rhs.columns) { i, j in Rational.quotient(m[i, columns + j], det.a) }
    }

    /// The inverse, or `nil` if the matrix is singular.
    public func inverse() -> RationalMatrix? { solve(.identity(rows)) }

    /// A basis of the right kernel `{x : self · x = 0}`, one vector per column
    /// of the result (`columns × nullity`).
    public func kernelBasis() -> RationalMatrix {
        let (form, pivots) = reducedRowEchelonForm()
        let free = (0..<columns).filter { !pivots.contains($0) }
        var basis = RationalMatrix.zero(columns, free.count)
        for (k, f) in free.enumerated() {
            basis[f, k] = .one
            for (r, p) in pivots.enumerated() { basis[p, k] = -form[r, f] }
        }
        return basis
    }

    /// The determinant of the submatrix on index set `indices` (rows = columns).
    public func principalMinor(_ indices: [Int]) -> Rational {
        submatrix(rows: indices, columns: indices).determinant
    }

    /// All principal minors of order `j`, with index sets in lexicographic order.
    public func principalMinors(order j: Int) -> [(indices: [Int], value: Rational)] {
        combinations(of: rows, choose: j).map { ($0, principalMinor($0)) }
    }

    /// `m_1 … m_n`: determinants of the leading `k × k` blocks.
    public var leadingPrincipalMinors: [Rational] {
        (1...max(rows, 1)).map { k in rows == 0 ? .one : block(rows: 0..<k, columns: 0..<k).determinant }
    }
}

/// All `k`-subsets of `0..<n` in lexicographic order.
public func combinations(of n: Int, choose k: Int) -> [[Int]] {
    guard k >= 0, k <= n else { return [] }
    var result: [[Int]] = []
    var current: [Int] = []
    func extend(_ start: Int) {
        if current.count == k { result.append(current); return }
        for i in start..<n where n - i >= k - current.count {
            current.append(i); extend(i + 1); current.removeLast()
        }
    }
    extend(0)
    return result
}

extension RationalMatrix {
    /// Some solution `x` of `self · x = rhs` (free variables set to zero),
    /// or `nil` when the system is inconsistent. Any shape.
    public func particularSolution(_ rhs: [Rational]) -> [Rational]? {
        precondition(rhs.count == rows, "shape mismatch in particularSolution")
        let augmented = RationalMatrix(rows: rows, columns: columns + 1) { i, j in j < columns ? self[i, j] : rhs[i] }
        let (form, pivots) = augmented.reducedRowEchelonForm(pivotColumnLimit: columns + 1)
        guard !pivots.contains(columns) else { return nil }
        var x = [Rational](repeating: .zero, count: columns)
        for (r, p) in pivots.enumerated() { x[p] = form[r, columns] }
        return x
    }
}

extension RationalMatrix {
    /// The inverse of an upper (`upper == true`) or lower triangular matrix
    /// with nonzero diagonal, by halves:
    /// `[A B; 0 C]⁻¹ = [A⁻¹ −A⁻¹·B·C⁻¹; 0 C⁻¹]`. The off-diagonal block
    /// costs two products on common denominators (one gcd per entry), where
    /// substitution would reduce after every operation; small blocks are
    /// substituted directly.
    public func triangularInverse(upper: Bool) -> RationalMatrix {
        precondition(isSquare && diagonalEntries.allSatisfy { !$0.isZero }, "singular triangular matrix")
        if !upper { return transpose.triangularInverse(upper: true).transpose }
        let n = rows
        guard n > 8 else { return upperInverseBySubstitution() }
        let h = n / 2
        let aInverse = block(rows: 0..<h, columns: 0..<h).triangularInverse(upper: true)
        let cInverse = block(rows: h..<n, columns: h..<n).triangularInverse(upper: true)
        let corner = -(aInverse * block(rows: 0..<h, columns: h..<n) * cInverse)
        return .blocks(aInverse, corner, .zero(n - h, h), cInverse)
    }

    private func upperInverseBySubstitution() -> RationalMatrix {
        let n = rows
        var x = RationalMatrix.zero(n, n)
        for j in 0..<n {
            x[j, j] = self[j, j].reciprocal
            for i in stride(from: j - 1, through: 0, by: -1) {
                var sum = Rational.zero
                for k in (i + 1)...j where !self[i, k].isZero && !x[k, j].isZero { sum += self[i, k] * x[k, j] }
                x[i, j] = -sum / self[i, i]
            }
        }
        return x
    }
}

extension RationalMatrix {
    /// The matrix with its first row negated if `det < 0`, so that
    /// `det > 0`; `nil` if singular. (Coupling networks need `det > 0`;
    /// random test and search matrices are drawn this way.)
    public func withPositiveDeterminant() -> RationalMatrix? {
        let det = determinant
        if det.isZero { return nil }
        guard det.sign < 0 else { return self }
        var result = self
        for j in 0..<columns { result[0, j] = -result[0, j] }
        return result
    }
}
