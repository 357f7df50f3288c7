import ExactLinearAlgebra

/// Proofs that `T ∉ K_2(regime)` (theory §4), produced exactly. Callers
/// still re-check every witness through the certificate verifier before
/// reporting it.
public enum LowerBounds {
    /// The work budget of a principal-minor witness, for the search and for
    /// the verifier alike (docs/certificate-format.md): order `j` costs
    /// `C(d, j)` determinants of each of `T11` and `V`.
    public static let maximumMinorCount = 4096
    /// Witnesses that compare `T11` with `V = (T⁻¹)22` need `T⁻¹` exactly;
    /// the verifier refuses them above this `d`, and the search does not
    /// look for them. At `d = 64` the inverse of a random integer `T` takes
    /// 0.2 s (the independent Python checker about 10 s); at `d = 128`, 3.6 s
    /// (180 s), at `d = 256`, 91 s: `d` may be up to 8192.
    public static let maximumInverseD = 64

    public static func witness(for prepared: PreparedMatrix, regime: Regime) -> NotInK2Witness? {
        let b = prepared.blocks
        if b.t11.isZero {
            let system = T11ZeroSystem(b)
            if let (k, y) = system.signedWitness() { return .t11ZeroSigned(k: k, y: y) }
            if regime == .positive, let (y, u, w) = system.positiveWitness() { return .t11ZeroPositive(y: y, u: u, w: w) }
            return nil
        }
        guard prepared.d <= maximumInverseD, let v = prepared.v else { return nil }
        return principalMinorWitness(t11: b.t11, v: v, regime: regime)
    }

    /// Theory §4b's multipliers, searched up to the LP budget of
    /// `CharPolyPositivstellensatz`: costlier than the witnesses above, so
    /// callers try it after the numerical search found nothing.
    public static func positivstellensatzWitness(for prepared: PreparedMatrix, regime: Regime) -> NotInK2Witness? {
        guard prepared.d >= 2, prepared.d <= maximumInverseD, let v = prepared.v else { return nil }
        return CharPolyPositivstellensatz.search(t11: prepared.blocks.t11, v: v, regime: regime).map {
            .charPolyPositivstellensatz(terms: $0)
        }
    }

    /// `T11` and `V` with at most one nonzero entry per row and column, whose
    /// cycles and paths cannot give equal characteristic polynomials
    /// (`MonomialCycles`, theory §4.3).
    public static func monomialCyclesWitness(for prepared: PreparedMatrix, regime: Regime) -> NotInK2Witness? {
        guard prepared.d <= maximumInverseD, let a = MonomialCycles.structure(prepared.blocks.t11), let v = prepared.v,
            let c = MonomialCycles.structure(v), MonomialCycles.canAgree(a, c, regime: regime) == false
        else { return nil }
        return .monomialCycles
    }

    /// The sign certificate: for some `j < d`, all `j×j` principal minors of
    /// one matrix `>= 0` (one `> 0`) and all of the other `<= 0`.
    /// In the signed regime only the monomial form applies: signs of the
    /// scalings are free, so only "zero against one nonzero term" is robust.
    static func principalMinorWitness(t11: RationalMatrix, v: RationalMatrix, regime: Regime) -> NotInK2Witness? {
        let d = t11.rows
        for j in 1..<max(d, 1) where minorCount(d, j) <= maximumMinorCount {
            let first = t11.principalMinors(order: j).map(\.value.sign)
            let second = v.principalMinors(order: j).map(\.value.sign)
            let nonzeroFirst = first.filter { $0 != 0 }.count, nonzeroSecond = second.filter { $0 != 0 }.count
            if nonzeroFirst == 0 && nonzeroSecond == 1 { return .principalMinorsMonomial(j: j, zero: .t11) }
            if nonzeroSecond == 0 && nonzeroFirst == 1 { return .principalMinorsMonomial(j: j, zero: .v) }
            guard regime == .positive else { continue }
            if first.allSatisfy({ $0 >= 0 }), first.contains(1), second.allSatisfy({ $0 <= 0 }) {
                return .principalMinors(j: j, sign: .plus)
            }
            if second.allSatisfy({ $0 >= 0 }), second.contains(1), first.allSatisfy({ $0 <= 0 }) {
                return .principalMinors(j: j, sign: .minus)
            }
        }
        return nil
    }

    /// `C(d, j)`, the number of `j×j` principal minors of a `d×d` matrix,
    /// saturated at `maximumMinorCount + 1` so it never overflows.
    public static func minorCount(_ d: Int, _ j: Int) -> Int {
        guard j >= 0, j <= d else { return 0 }
        let k = min(j, d - j)
        var r = 1
        for i in 0..<k {
            let (product, overflow) = r.multipliedReportingOverflow(by: d - i)
            r = product / (i + 1)  // exact: C(d, i)·(d−i) is divisible by i+1
            if overflow || r > maximumMinorCount { return maximumMinorCount + 1 }
        }
        return r
    }
}
