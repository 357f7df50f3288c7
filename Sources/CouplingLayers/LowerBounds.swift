import ExactLinearAlgebra

/// Proofs that `T ∉ K_2(regime)` (theory §4), produced exactly. Callers
/// still re-check every witness through the certificate verifier before
/// reporting it.
public enum LowerBounds {
    /// Principal-minor orders tried are capped so the search stays cheap:
    /// order `j` costs `C(d, j)` determinants of each of `T11` and `V`.
    public static let maximumMinorCount = 4096

    public static func witness(for t: RationalMatrix, regime: Regime) -> NotInK2Witness? {
        let b = BlockView(t)
        if b.t11.isZero {
            let system = T11ZeroSystem(b)
            if let (k, y) = system.signedWitness() { return .t11ZeroSigned(k: k, y: y) }
            if regime == .positive, let (y, u, w) = system.positiveWitness() { return .t11ZeroPositive(y: y, u: u, w: w) }
            return nil
        }
        guard let inverse = t.inverse() else { return nil }
        let v = inverse.block(rows: b.d..<(2 * b.d), columns: b.d..<(2 * b.d))
        return principalMinorWitness(t11: b.t11, v: v, regime: regime)
    }

    /// The sign certificate: for some `j < d`, all `j×j` principal minors of
    /// one matrix `>= 0` (one `> 0`) and all of the other `<= 0`.
    /// In the signed regime only the monomial form applies: signs of the
    /// scalings are free, so only "zero against one nonzero term" is robust.
    static func principalMinorWitness(t11: RationalMatrix, v: RationalMatrix, regime: Regime) -> NotInK2Witness? {
        let d = t11.rows
        for j in 1..<max(d, 1) where binomial(d, j) <= maximumMinorCount {
            let first = t11.principalMinors(order: j).map(\.value.sign)
            let second = v.principalMinors(order: j).map(\.value.sign)
            let nonzeroFirst = first.filter { $0 != 0 }.count, nonzeroSecond = second.filter { $0 != 0 }.count
            if nonzeroFirst == 0 && nonzeroSecond == 1 { return .principalMinorsMonomial(j: j, zero: "T11") }
            if nonzeroSecond == 0 && nonzeroFirst == 1 { return .principalMinorsMonomial(j: j, zero: "V") }
            guard regime == .positive else { continue }
            if first.allSatisfy({ $0 >= 0 }), first.contains(1), second.allSatisfy({ $0 <= 0 }) {
                return .principalMinors(j: j, sign: "+")
            }
            if second.allSatisfy({ $0 >= 0 }), second.contains(1), first.allSatisfy({ $0 <= 0 }) {
                return .principalMinors(j: j, sign: "-")
            }
        }
        return nil
    }

    static func binomial(_ n: Int, _ k: Int) -> Int {
        var r = 1
        for i in 0..<k { r = r * (n - i) / (i + 1) }
        return r
    }
}
