/// Unpivoted LU and triangular eigenvectors: the kernels of the commutator
/// step in theory.md §5, which needs the *leading principal minors* of a
/// matrix (so no pivoting) and eigenvectors matched by eigenvalue order.
extension DoubleMatrix {
    /// Doolittle `self = L U` without pivoting (`L` unit lower triangular),
    /// or nil when a pivot is exactly zero. Leading principal minors are the
    /// running products of `U`'s diagonal.
    public var unpivotedLU: (lower: DoubleMatrix, upper: DoubleMatrix)? {
        precondition(isSquare, "LU of a non-square matrix")
        let n = rows
        var u = self
        var l = DoubleMatrix.identity(n)
        for k in 0..<n {
            let pivot = u[k, k]
            guard pivot != 0 else { return nil }
            for i in (k + 1)..<Swift.max(n, k + 1) {
                let f = u[i, k] / pivot
                l[i, k] = f
                guard f != 0 else { continue }
                for j in k..<n { u[i, j] -= f * u[k, j] }
            }
        }
        return (l, u)
    }

    /// Eigenvectors of an upper triangular matrix with distinct diagonal
    /// entries, by back substitution: column `k` belongs to `self[k, k]` and
    /// has a 1 in row `k`. Nil if two diagonal entries coincide.
    public var upperTriangularEigenvectors: DoubleMatrix? {
        precondition(isSquare, "eigenvectors of a non-square matrix")
        let n = rows
        var s = DoubleMatrix(rows: n, columns: n)
        for k in 0..<n {
            let lambda = self[k, k]
            s[k, k] = 1
            for i in stride(from: k - 1, through: 0, by: -1) {
                var sum = 0.0
                for j in (i + 1)...k { sum += self[i, j] * s[j, k] }
                let gap = self[i, i] - lambda
                guard gap != 0 else { return nil }
                s[i, k] = -sum / gap
            }
        }
        return s
    }

    /// The matrix with rows and columns both in reverse order (`J A J`,
    /// `J` the exchange matrix): turns lower triangular into upper.
    public var reversed: DoubleMatrix {
        DoubleMatrix(rows: rows, columns: columns) { self[rows - 1 - $0, columns - 1 - $1] }
    }
}
