import CGMP
import Dispatch

/// `numerators / denominator`: an integer matrix over one positive common
/// denominator that is coprime to the gcd of the entries, which makes the
/// form unique (equality is entrywise, no cross-multiplication).
///
/// Chains of products on tall entries (`CouplingPair.productEquals`) stay on
/// integers: a step costs one content gcd, which usually stops after an
/// entry or two, where canonical rationals cost a full gcd per entry (a
/// fifth of `verify` at `d = 32`). Immutable once built, so it is shared
/// between threads.
public final class CommonDenominatorMatrix: @unchecked Sendable {
    let numerators: IntegerMatrix
    /// `denominator.a`; `.b` is scratch.
    let denominator: IntegerScratch

    public var rows: Int { numerators.rows }
    public var columns: Int { numerators.columns }

    /// Takes ownership; reduces by the content first.
    private init(_ numerators: IntegerMatrix, _ denominator: IntegerScratch) {
        self.numerators = numerators
        self.denominator = denominator
        reduce()
    }

    /// Over the lcm of the denominators: already reduced, since a prime's
    /// full power in the lcm is some entry's denominator, whose numerator
    /// it does not divide.
    public init(_ m: RationalMatrix) {
        numerators = IntegerMatrix(rows: m.rows, columns: m.columns)
        denominator = IntegerScratch()
        let lcm = denominator.a
        __gmpz_set_ui(lcm, 1)
        for x in m.entries { x.withPointer { __gmpz_lcm(lcm, lcm, &UnsafeMutablePointer(mutating: $0).pointee._mp_den) } }
        let factor = IntegerScratch()
        for i in 0..<m.rows {
            for j in 0..<m.columns {
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
                rowsOut[i] = (0..<columns).map { Rational.quotient(numerators[i, $0], denominator.a) }
            }
        }
        return RationalMatrix(rows: rows, columns: columns, entries: entries.flatMap { $0 })
    }

    /// `c + a·b`, or `c − a·b`, over `lcm(den a · den b, den c)`; products
    /// skip zero entries (coupling layers are often sparse).
    public static func multiplyAdd(_ a: CommonDenominatorMatrix, _ b: CommonDenominatorMatrix, _ c: CommonDenominatorMatrix,
                                   subtracting: Bool = false) -> CommonDenominatorMatrix {
        precondition(a.columns == b.rows && c.rows == a.rows && c.columns == b.columns, "shape mismatch in product")
        let out = IntegerMatrix(rows: a.rows, columns: b.columns)
        let den = IntegerScratch(), factors = IntegerScratch()
        __gmpz_mul(den.b, a.denominator.a, b.denominator.a)
        __gmpz_lcm(den.a, den.b, c.denominator.a)
        __gmpz_divexact(factors.a, den.a, den.b)  // for a·b
        __gmpz_divexact(factors.b, den.a, c.denominator.a)  // for c
        let scaleProduct = __gmpz_cmp_ui(factors.a, 1) != 0, scaleSum = __gmpz_cmp_ui(factors.b, 1) != 0
        let an = a.numerators, bn = b.numerators, cn = c.numerators
        let support = (0..<a.rows).map { i in (0..<a.columns).filter { an[i, $0].pointee._mp_size != 0 } }
        // Rows on all cores: a caller's own threads (the two sides of
        // `productEquals`) rarely carry equal work.
        DispatchQueue.concurrentPerform(iterations: a.rows) { i in
            let t = IntegerScratch()
            for j in 0..<b.columns {
                __gmpz_set_ui(t.a, 0)
                for k in support[i] where bn[k, j].pointee._mp_size != 0 { __gmpz_addmul(t.a, an[i, k], bn[k, j]) }
                if scaleProduct { __gmpz_mul(t.a, t.a, factors.a) }
                if scaleSum { __gmpz_mul(out[i, j], cn[i, j], factors.b) } else { __gmpz_set(out[i, j], cn[i, j]) }
                if subtracting { __gmpz_sub(out[i, j], out[i, j], t.a) } else { __gmpz_add(out[i, j], out[i, j], t.a) }
            }
        }
        return CommonDenominatorMatrix(out, den)
    }

    /// `self · diag(s)`.
    public func scalingColumns(_ s: [Rational]) -> CommonDenominatorMatrix { scaling(s, rows: false) }

    /// `diag(s) · self`: for integer matrices, no gcd per entry, unlike
    /// scaling canonical rationals.
    public func scalingRows(_ s: [Rational]) -> CommonDenominatorMatrix { scaling(s, rows: true) }

    private func scaling(_ s: [Rational], rows byRow: Bool) -> CommonDenominatorMatrix {
        precondition(s.count == (byRow ? rows : columns), "shape mismatch in scaling")
        let out = IntegerMatrix(rows: rows, columns: columns)
        let den = IntegerScratch(), factor = IntegerScratch()
        __gmpz_set_ui(factor.b, 1)  // lcm of the scales' denominators
        for x in s { x.withPointer { __gmpz_lcm(factor.b, factor.b, &UnsafeMutablePointer(mutating: $0).pointee._mp_den) } }
        __gmpz_mul(den.a, denominator.a, factor.b)
        for (k, x) in s.enumerated() {
            x.withPointer { q in
                let qm = UnsafeMutablePointer(mutating: q)
                __gmpz_divexact(factor.a, factor.b, &qm.pointee._mp_den)
                __gmpz_mul(factor.a, factor.a, &qm.pointee._mp_num)
            }
            if byRow {
                for j in 0..<columns { __gmpz_mul(out[k, j], numerators[k, j], factor.a) }
            } else {
                for i in 0..<rows { __gmpz_mul(out[i, k], numerators[i, k], factor.a) }
            }
        }
        return CommonDenominatorMatrix(out, den)
    }

    /// Divides out `gcd(denominator, entries)` (for a zero matrix, the
    /// whole denominator); the gcd with the first entry is usually 1 already.
    private func reduce() {
        let g = IntegerScratch()
        __gmpz_set(g.a, denominator.a)
        for k in 0..<(rows * columns) where numerators.base[k]._mp_size != 0 {
            __gmpz_gcd(g.a, g.a, numerators.base + k)
            if __gmpz_cmp_ui(g.a, 1) == 0 { return }
        }
        for k in 0..<(rows * columns) where numerators.base[k]._mp_size != 0 {
            __gmpz_divexact(numerators.base + k, numerators.base + k, g.a)
        }
        __gmpz_divexact(denominator.a, denominator.a, g.a)
    }
}

extension CommonDenominatorMatrix: Equatable {
    public static func == (x: CommonDenominatorMatrix, y: CommonDenominatorMatrix) -> Bool {
        guard x.rows == y.rows, x.columns == y.columns, __gmpz_cmp(x.denominator.a, y.denominator.a) == 0 else { return false }
        return (0..<(x.rows * x.columns)).allSatisfy { __gmpz_cmp(x.numerators.base + $0, y.numerators.base + $0) == 0 }
    }
}
