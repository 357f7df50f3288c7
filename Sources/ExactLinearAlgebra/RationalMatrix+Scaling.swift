import CGMP

extension RationalMatrix {
    /// Each column times the positive rational that makes its entries
    /// coprime integers (zero columns stay zero). Eigenvector and kernel
    /// bases are free up to column scaling; this choice keeps heights small.
    public func withPrimitiveIntegerColumns() -> RationalMatrix {
        var result = self
        let t = IntegerScratch()
        for j in 0..<columns {
            __gmpz_set_ui(t.a, 1)  // lcm of denominators
            __gmpz_set_ui(t.b, 0)  // gcd of numerators
            for i in 0..<rows {
                self[i, j].withPointer { q in
                    let p = UnsafeMutablePointer(mutating: q)
                    __gmpz_lcm(t.a, t.a, &p.pointee._mp_den)
                    __gmpz_gcd(t.b, t.b, &p.pointee._mp_num)
                }
            }
            guard t.b.pointee._mp_size != 0 else { continue }
            let scale = Rational.quotient(t.a, t.b)
            for i in 0..<rows { result[i, j] = self[i, j] * scale }
        }
        return result
    }
}
