import CGMP

/// A dense matrix of GMP integers, row-major, owned by this module's kernels.
///
/// Rational matrices are brought to integer form (rows or columns scaled by
/// the lcm of their denominators) so that elimination and products run on
/// `mpz_t` with one gcd per result entry instead of one per operation.
/// Threads may share one when each writes only its own entries.
final class IntegerMatrix: @unchecked Sendable {
    let rows: Int
    let columns: Int
    let base: UnsafeMutablePointer<__mpz_struct>

    init(rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        let count = max(rows * columns, 1)
        base = .allocate(capacity: count)
        for k in 0..<count { __gmpz_init(base + k) }
    }

    deinit {
        for k in 0..<max(rows * columns, 1) { __gmpz_clear(base + k) }
        base.deallocate()
    }

    @inline(__always) subscript(i: Int, j: Int) -> UnsafeMutablePointer<__mpz_struct> {
        base + (i * columns + j)
    }

    func swapRows(_ a: Int, _ b: Int) {
        guard a != b else { return }
        for j in 0..<columns { __gmpz_swap(self[a, j], self[b, j]) }
    }

    /// Each row of `matrix` times the lcm of that row's denominators, and
    /// those lcms (`rows × 1`). `extra` columns are appended, taken from
    /// `augment` scaled by the same row factor, so the row space (and
    /// solution set) is unchanged.
    static func rowScaled(_ matrix: RationalMatrix, augment: RationalMatrix? = nil) -> (values: IntegerMatrix, scales: IntegerMatrix) {
        let extra = augment?.columns ?? 0
        let values = IntegerMatrix(rows: matrix.rows, columns: matrix.columns + extra)
        let scales = IntegerMatrix(rows: matrix.rows, columns: 1)
        let factor = IntegerScratch()
        for i in 0..<matrix.rows {
            let scale = scales[i, 0]
            __gmpz_set_ui(scale, 1)
            let row = (0..<matrix.columns).map { matrix[i, $0] } + (0..<extra).map { augment![i, $0] }
            for x in row { x.withPointer { __gmpz_lcm(scale, scale, &UnsafeMutablePointer(mutating: $0).pointee._mp_den) } }
            for (j, x) in row.enumerated() {
                x.withPointer { q in
                    let qm = UnsafeMutablePointer(mutating: q)
                    guard qm.pointee._mp_num._mp_size != 0 else { return }
                    __gmpz_divexact(factor.a, scale, &qm.pointee._mp_den)
                    __gmpz_mul(values[i, j], factor.a, &qm.pointee._mp_num)
                }
            }
        }
        return (values, scales)
    }

    /// Fraction-free Gauss–Jordan elimination (Bareiss division at every
    /// step), choosing pivots among the first `pivotColumnLimit` columns.
    /// Afterwards every pivot equals the last pivot value `pivot`, the rows
    /// past `pivotColumns.count` are zero, and row `k / pivot` is row `k` of
    /// the reduced row echelon form.
    func gaussJordan(pivotColumnLimit: Int) -> (pivotColumns: [Int], pivot: IntegerScratch) {
        let prev = IntegerScratch()
        __gmpz_set_ui(prev.a, 1)
        let t = IntegerScratch()
        var pivots: [Int] = []
        var r = 0
        for c in 0..<min(pivotColumnLimit, columns) where r < rows {
            guard let p = (r..<rows).first(where: { self[$0, c].pointee._mp_size != 0 }) else { continue }
            swapRows(p, r)
            for i in 0..<rows where i != r {
                let factor = self[i, c]
                let isZero = factor.pointee._mp_size == 0
                for j in 0..<columns where j != c {
                    // M[i][j] = (M[r][c] M[i][j] - M[i][c] M[r][j]) / prev
                    __gmpz_mul(t.a, self[r, c], self[i, j])
                    if !isZero { __gmpz_submul(t.a, factor, self[r, j]) }
                    __gmpz_divexact(self[i, j], t.a, prev.a)
                }
                __gmpz_set_ui(factor, 0)
            }
            __gmpz_set(prev.a, self[r, c])
            pivots.append(c)
            r += 1
        }
        if pivots.isEmpty { __gmpz_set_ui(prev.a, 1) }
        return (pivots, prev)
    }

    /// Solves `A·X = B` for `[A | B]` (`A` the first `rows` columns, square):
    /// Bareiss forward elimination, then fraction-free back substitution,
    /// leaving `δ·X` in `B`'s place for the returned `δ = ±det A`; `nil` when
    /// `A` is singular. A third of Gauss–Jordan's work: only the rows below
    /// each pivot are updated, and most entries stay the size of small minors.
    func solveInPlace() -> IntegerScratch? {
        let n = rows
        let prev = IntegerScratch(), t = IntegerScratch()
        __gmpz_set_ui(prev.a, 1)
        for k in 0..<n {
            guard let p = (k..<n).first(where: { self[$0, k].pointee._mp_size != 0 }) else { return nil }
            swapRows(p, k)
            for i in (k + 1)..<max(n, k + 1) {
                let isZero = self[i, k].pointee._mp_size == 0
                for j in (k + 1)..<columns {
                    __gmpz_mul(t.a, self[k, k], self[i, j])
                    if !isZero { __gmpz_submul(t.a, self[i, k], self[k, j]) }
                    __gmpz_divexact(self[i, j], t.a, prev.a)
                }
            }
            __gmpz_set(prev.a, self[k, k])
        }
        // Row i reads U_ii·x_i + Σ_{j>i} U_ij·x_j = b_i; δ·x is integral (Cramer).
        for c in n..<columns {
            for i in stride(from: n - 1, through: 0, by: -1) {
                __gmpz_mul(t.a, prev.a, self[i, c])
                for j in (i + 1)..<n where self[i, j].pointee._mp_size != 0 { __gmpz_submul(t.a, self[i, j], self[j, c]) }
                __gmpz_divexact(self[i, c], t.a, self[i, i])
            }
        }
        return prev
    }

    /// Bareiss forward elimination; destroys the matrix and returns its
    /// determinant (square matrices only).
    func determinant() -> IntegerScratch {
        precondition(rows == columns)
        let n = rows
        let result = IntegerScratch()
        let prev = IntegerScratch()
        __gmpz_set_ui(prev.a, 1)
        var negate = false
        for k in 0..<n {
            guard let p = (k..<n).first(where: { self[$0, k].pointee._mp_size != 0 }) else {
                __gmpz_set_ui(result.a, 0)
                return result
            }
            if p != k { swapRows(p, k); negate.toggle() }
            for i in (k + 1)..<max(n, k + 1) {
                for j in (k + 1)..<n {
                    __gmpz_mul(result.a, self[k, k], self[i, j])
                    __gmpz_submul(result.a, self[i, k], self[k, j])
                    __gmpz_divexact(self[i, j], result.a, prev.a)
                }
            }
            __gmpz_set(prev.a, self[k, k])
        }
        if n == 0 { __gmpz_set_ui(prev.a, 1) }
        __gmpz_set(result.a, prev.a)
        if negate { __gmpz_neg(result.a, result.a) }
        return result
    }
}

/// Two scratch integers with automatic cleanup.
final class IntegerScratch {
    let a: UnsafeMutablePointer<__mpz_struct>
    let b: UnsafeMutablePointer<__mpz_struct>
    init() {
        a = .allocate(capacity: 1); b = .allocate(capacity: 1)
        __gmpz_init(a); __gmpz_init(b)
    }
    deinit {
        __gmpz_clear(a); __gmpz_clear(b)
        a.deallocate(); b.deallocate()
    }
}

extension Rational {
    /// `scratch.a / scratch.b + addend` with one reduction (`scratch.b`
    /// nonzero); overwrites the scratch.
    static func sum(_ scratch: IntegerScratch, plus addend: Rational) -> Rational {
        addend.withPointer { q in
            let qm = UnsafeMutablePointer(mutating: q)
            // a/b + p/q = (a·q + p·b) / (b·q)
            __gmpz_mul(scratch.a, scratch.a, &qm.pointee._mp_den)
            __gmpz_addmul(scratch.a, &qm.pointee._mp_num, scratch.b)
            __gmpz_mul(scratch.b, scratch.b, &qm.pointee._mp_den)
        }
        return quotient(scratch.a, scratch.b)
    }

    /// `numerator / denominator` from two GMP integers (denominator nonzero).
    static func quotient(_ numerator: UnsafePointer<__mpz_struct>, _ denominator: UnsafePointer<__mpz_struct>) -> Rational {
        make { p in
            __gmpz_set(&p.pointee._mp_num, numerator)
            __gmpz_set(&p.pointee._mp_den, denominator)
            __gmpq_canonicalize(p)
        }
    }
}
