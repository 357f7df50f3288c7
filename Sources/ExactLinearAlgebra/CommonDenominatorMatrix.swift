import CGMP
import Dispatch

/// An integer matrix with one positive denominator per column, each coprime
/// to the gcd of its column, which makes the form unique (equality is
/// entrywise, no cross-multiplication).
///
/// Chains of products on tall entries (`CouplingPair.productEquals`, the
/// product form of `RationalMatrix` for `AffineCouplingPair`) stay on
/// integers: a step costs one content gcd per column, which usually stops
/// after an entry or two, where canonical rationals cost a full gcd per
/// entry (a fifth of `verify` at `d = 32`). Denominators are per column, not
/// one per matrix, because one tall column (the rank-one pair puts one into
/// `t · U3⁻¹ · L3⁻¹`) would otherwise make every entry as tall. Immutable
/// once built, so it is shared between threads.
public final class CommonDenominatorMatrix: @unchecked Sendable {
    let numerators: IntegerMatrix
    /// `1 × columns`.
    let denominators: IntegerMatrix

    public var rows: Int { numerators.rows }
    public var columns: Int { numerators.columns }

    /// Takes ownership; reduces each column by its content first.
    private init(_ numerators: IntegerMatrix, _ denominators: IntegerMatrix) {
        self.numerators = numerators
        self.denominators = denominators
        DispatchQueue.concurrentPerform(iterations: columns) { reduce(column: $0) }
    }

    /// Each column over the lcm of its denominators: already reduced, since
    /// a prime's full power in the lcm is some entry's denominator, whose
    /// numerator it does not divide.
    public init(_ m: RationalMatrix) {
        numerators = IntegerMatrix(rows: m.rows, columns: m.columns)
        denominators = IntegerMatrix(rows: 1, columns: m.columns)
        let factor = IntegerScratch()
        for j in 0..<m.columns {
            let lcm = denominators[0, j]
            __gmpz_set_ui(lcm, 1)
            for i in 0..<m.rows { m[i, j].withPointer { __gmpz_lcm(lcm, lcm, &UnsafeMutablePointer(mutating: $0).pointee._mp_den) } }
            for i in 0..<m.rows {
                m[i, j].withPointer { q in
                    let qm = UnsafeMutablePointer(mutating: q)
                    __gmpz_divexact(factor.a, lcm, &qm.pointee._mp_den)
                    __gmpz_mul(numerators[i, j], factor.a, &qm.pointee._mp_num)
                }
            }
        }
    }

    /// Canonical rationals: a gcd per entry, on tall entries, so rows run on
    /// all cores.
    public var rational: RationalMatrix {
        var entries = [[Rational]](repeating: [], count: rows)
        entries.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let rowsOut = buffer  // each row written by one iteration
            DispatchQueue.concurrentPerform(iterations: rows) { i in
                rowsOut[i] = (0..<columns).map { Rational.quotient(numerators[i, $0], denominators[0, $0]) }
            }
        }
        return RationalMatrix(rows: rows, columns: columns, entries: entries.flatMap { $0 })
    }

    /// `c + a·b`, or `c − a·b`. `a`'s columns are grouped by denominator
    /// (usually one or two groups): each group's partial sum is brought to
    /// the groups' lcm by one product per entry, where scaling `a` to that
    /// lcm first would make every term as tall as the tallest column's.
    /// Products skip zero entries (coupling layers are often sparse).
    public static func multiplyAdd(
        _ a: CommonDenominatorMatrix, _ b: CommonDenominatorMatrix, _ c: CommonDenominatorMatrix,
        subtracting: Bool = false
    ) -> CommonDenominatorMatrix {
        precondition(a.columns == b.rows && c.rows == a.rows && c.columns == b.columns, "shape mismatch in product")
        var groupDenominators: [Int] = []  // a column of `a` holding each group's denominator
        let groupOf = (0..<a.columns).map { k in
            if let g = groupDenominators.firstIndex(where: { __gmpz_cmp(a.denominators[0, $0], a.denominators[0, k]) == 0 }) { return g }
            groupDenominators.append(k)
            return groupDenominators.count - 1
        }
        // Many distinct denominators: one group, over their lcm.
        if groupDenominators.count > 4 { return multiplyAdd(a.overOneDenominator, b, c, subtracting: subtracting) }
        let lcm = IntegerScratch()
        __gmpz_set_ui(lcm.a, 1)
        for k in groupDenominators { __gmpz_lcm(lcm.a, lcm.a, a.denominators[0, k]) }
        let groupFactors = IntegerMatrix(rows: 1, columns: groupDenominators.count)
        for (g, k) in groupDenominators.enumerated() { __gmpz_divexact(groupFactors[0, g], lcm.a, a.denominators[0, k]) }
        let groups = groupDenominators.count
        let scaleGroup = (0..<groups).map { __gmpz_cmp_ui(groupFactors[0, $0], 1) != 0 }

        // Column j: a·b over lcm·β_j, c over γ_j, the result over their lcm.
        let out = IntegerMatrix(rows: a.rows, columns: b.columns)
        let denominators = IntegerMatrix(rows: 1, columns: b.columns)
        let productFactors = IntegerMatrix(rows: 1, columns: b.columns), sumFactors = IntegerMatrix(rows: 1, columns: b.columns)
        for j in 0..<b.columns {
            __gmpz_mul(lcm.b, lcm.a, b.denominators[0, j])
            __gmpz_lcm(denominators[0, j], lcm.b, c.denominators[0, j])
            __gmpz_divexact(productFactors[0, j], denominators[0, j], lcm.b)
            __gmpz_divexact(sumFactors[0, j], denominators[0, j], c.denominators[0, j])
        }
        let an = a.numerators, bn = b.numerators, cn = c.numerators
        let support = (0..<a.rows).map { i in (0..<a.columns).filter { an[i, $0].pointee._mp_size != 0 } }
        // Rows on all cores: a caller's own threads (the two sides of
        // `productEquals`) rarely carry equal work.
        DispatchQueue.concurrentPerform(iterations: a.rows) { i in
            let partial = IntegerMatrix(rows: 1, columns: groups), t = IntegerScratch()
            for j in 0..<b.columns {
                for g in 0..<groups { __gmpz_set_ui(partial[0, g], 0) }
                for k in support[i] where bn[k, j].pointee._mp_size != 0 { __gmpz_addmul(partial[0, groupOf[k]], an[i, k], bn[k, j]) }
                __gmpz_set_ui(t.a, 0)
                for g in 0..<groups {
                    if scaleGroup[g] { __gmpz_addmul(t.a, partial[0, g], groupFactors[0, g]) } else { __gmpz_add(t.a, t.a, partial[0, g]) }
                }
                if __gmpz_cmp_ui(productFactors[0, j], 1) != 0 { __gmpz_mul(t.a, t.a, productFactors[0, j]) }
                if __gmpz_cmp_ui(sumFactors[0, j], 1) != 0 {
                    __gmpz_mul(out[i, j], cn[i, j], sumFactors[0, j])
                } else {
                    __gmpz_set(out[i, j], cn[i, j])
                }
                if subtracting { __gmpz_sub(out[i, j], out[i, j], t.a) } else { __gmpz_add(out[i, j], out[i, j], t.a) }
            }
        }
        return CommonDenominatorMatrix(out, denominators)
    }

    /// The same matrix with every column over the lcm of the denominators.
    private var overOneDenominator: CommonDenominatorMatrix {
        let lcm = IntegerScratch()
        __gmpz_set_ui(lcm.a, 1)
        for j in 0..<columns { __gmpz_lcm(lcm.a, lcm.a, denominators[0, j]) }
        let out = IntegerMatrix(rows: rows, columns: columns), common = IntegerMatrix(rows: 1, columns: columns)
        for j in 0..<columns {
            __gmpz_set(common[0, j], lcm.a)
            __gmpz_divexact(lcm.b, lcm.a, denominators[0, j])
            for i in 0..<rows { __gmpz_mul(out[i, j], numerators[i, j], lcm.b) }
        }
        // Not reduced: only ever a product's operand, never compared.
        return CommonDenominatorMatrix(unreduced: out, common)
    }

    private init(unreduced numerators: IntegerMatrix, _ denominators: IntegerMatrix) {
        self.numerators = numerators
        self.denominators = denominators
    }

    /// `self · diag(s)`; `self` itself for unit `s`, which most coupling
    /// layers have (theory §2).
    public func scalingColumns(_ s: [Rational]) -> CommonDenominatorMatrix {
        precondition(s.count == columns, "shape mismatch in scaling")
        if s.allSatisfy({ $0 == .one }) { return self }
        let out = IntegerMatrix(rows: rows, columns: columns), denominators = IntegerMatrix(rows: 1, columns: columns)
        for (j, x) in s.enumerated() {
            x.withPointer { q in
                let qm = UnsafeMutablePointer(mutating: q)
                __gmpz_mul(denominators[0, j], self.denominators[0, j], &qm.pointee._mp_den)
                for i in 0..<rows { __gmpz_mul(out[i, j], numerators[i, j], &qm.pointee._mp_num) }
            }
        }
        return CommonDenominatorMatrix(out, denominators)
    }

    /// `diag(s) · self`: for integer matrices, no gcd per entry, unlike
    /// scaling canonical rationals.
    public func scalingRows(_ s: [Rational]) -> CommonDenominatorMatrix {
        precondition(s.count == rows, "shape mismatch in scaling")
        let out = IntegerMatrix(rows: rows, columns: columns), denominators = IntegerMatrix(rows: 1, columns: columns)
        let factor = IntegerScratch()
        __gmpz_set_ui(factor.b, 1)  // lcm of the scales' denominators
        for x in s { x.withPointer { __gmpz_lcm(factor.b, factor.b, &UnsafeMutablePointer(mutating: $0).pointee._mp_den) } }
        for j in 0..<columns { __gmpz_mul(denominators[0, j], self.denominators[0, j], factor.b) }
        for (i, x) in s.enumerated() {
            x.withPointer { q in
                let qm = UnsafeMutablePointer(mutating: q)
                __gmpz_divexact(factor.a, factor.b, &qm.pointee._mp_den)
                __gmpz_mul(factor.a, factor.a, &qm.pointee._mp_num)
            }
            for j in 0..<columns { __gmpz_mul(out[i, j], numerators[i, j], factor.a) }
        }
        return CommonDenominatorMatrix(out, denominators)
    }

    /// Divides column `j` by `gcd(its denominator, its entries)` (for a zero
    /// column, the whole denominator); the gcd with the first entry is
    /// usually 1 already.
    private func reduce(column j: Int) {
        let g = IntegerScratch()
        __gmpz_set(g.a, denominators[0, j])
        for i in 0..<rows where numerators[i, j].pointee._mp_size != 0 {
            __gmpz_gcd(g.a, g.a, numerators[i, j])
            if __gmpz_cmp_ui(g.a, 1) == 0 { return }
        }
        for i in 0..<rows where numerators[i, j].pointee._mp_size != 0 { __gmpz_divexact(numerators[i, j], numerators[i, j], g.a) }
        __gmpz_divexact(denominators[0, j], denominators[0, j], g.a)
    }
}

extension CommonDenominatorMatrix: Equatable {
    public static func == (x: CommonDenominatorMatrix, y: CommonDenominatorMatrix) -> Bool {
        guard x.rows == y.rows, x.columns == y.columns else { return false }
        return (0..<x.columns).allSatisfy { __gmpz_cmp(x.denominators[0, $0], y.denominators[0, $0]) == 0 }
            && (0..<(x.rows * x.columns)).allSatisfy { __gmpz_cmp(x.numerators.base + $0, y.numerators.base + $0) == 0 }
    }
}
