import ExactLinearAlgebra
import Foundation

/// The exact Krawczyk inclusion test shared by the membership proofs
/// (`IntertwinerMembership`, `FullSystemMembership`): for a system `F`
/// whose remainder `|F(x̃+h) − F(x̃) − J·h|_e <= s_e·ρ²` for `|h| <= ρ`
/// (both systems are bilinear), `x ↦ x − R·F(x)` maps the box of radius `ρ`
/// around `x̃` into itself when, for every unknown `a`,
///
///     |R·F(x̃)|_a + ρ·Σ_b |I − R·J|_ab + ρ²·Σ_e |R_ae|·s_e  <  ρ,
///
/// and then `R` is nonsingular and `F` has a zero in the box (Brouwer).
enum KrawczykInclusion {
    /// Per unknown `a`, all exact and `>= 0`: `g = |R·F(x̃)|`,
    /// `c = Σ_b |I − R·J|_ab`, `q = Σ_e |R_ae|·s_e`.
    struct Terms { let g, c, q: [Rational] }

    /// `f = F(x̃)`, `rows` the sparse rows of `J` (column, value), `s` the
    /// remainder weights, `r` the preconditioner (unknowns × equations).
    static func terms(f: [Rational], rows: [[(Int, Rational)]], s: [Rational], r: RationalMatrix) -> Terms {
        let m = r.rows
        var gOut: [Rational] = [], cOut: [Rational] = [], qOut: [Rational] = []
        for a in 0..<m {
            var rj = [Rational](repeating: .zero, count: m)
            var rg = Rational.zero, rq = Rational.zero
            for e in 0..<r.columns {
                let rae = r[a, e]
                if rae.isZero { continue }
                rg += rae * f[e]
                rq += rae.magnitude * s[e]
                for (col, value) in rows[e] { rj[col] += rae * value }
            }
            rj[a] -= .one
            gOut.append(rg.magnitude)
            cOut.append(rj.reduce(Rational.zero) { $0 + $1.magnitude })
            qOut.append(rq)
        }
        return Terms(g: gOut, c: cOut, q: qOut)
    }

    /// The largest `(g + cρ + qρ²)/ρ`, which must be below 1 for every
    /// (free) unknown.
    static func contraction(_ terms: Terms, radius: Rational) throws(IntertwinerMembership.Failure) -> Double {
        var worst = 0.0
        for a in terms.g.indices {
            let total = terms.g[a] + terms.c[a] * radius + terms.q[a] * radius * radius
            guard total < radius else {
                throw .init(
                    reason: "Krawczyk inclusion fails for free coordinate \(a): \(total.doubleValue) >= radius \(radius.doubleValue)")
            }
            worst = max(worst, (total / radius).doubleValue)
        }
        return worst
    }

    /// The shape and number checks both box formats share (§7.1, §7.2):
    /// `2d` distinct increasing fixed coordinates among `n`, an `n`-entry
    /// center, an `m×m` preconditioner, `ρ > 0`, and every number dyadic
    /// with at most `IntertwinerMembership.maximumBits` bits.
    static func checkBox(
        d: Int, n: Int, m: Int, fixed: [Int], center: [Rational], radius: Rational, preconditioner: RationalMatrix,
        numbers: [Rational]
    ) throws(IntertwinerMembership.Failure) {
        typealias Failure = IntertwinerMembership.Failure
        guard center.count == n else { throw Failure(reason: "center has \(center.count) entries, expected \(n)") }
        guard fixed.count == 2 * d, fixed == fixed.sorted(), Set(fixed).count == fixed.count, fixed.allSatisfy({ (0..<n).contains($0) })
        else {
            throw Failure(reason: "fixed must list \(2 * d) distinct increasing coordinates in 0..<\(n)")
        }
        guard preconditioner.rows == m, preconditioner.columns == m else { throw Failure(reason: "preconditioner must be \(m)×\(m)") }
        guard radius.sign > 0 else { throw Failure(reason: "radius must be > 0") }
        let bits = IntertwinerMembership.maximumBits
        for x in center + [radius] + preconditioner.entries + numbers {
            guard x.heightBits <= bits, (x * .powerOfTwo(x.heightBits)).isInteger else {
                throw Failure(reason: "membership numbers must be dyadic rationals of at most \(bits) bits")
            }
        }
    }

    /// The smallest power of two `2^k <= 1` at which the terms contract by
    /// 1/2 (else by 0.99), judged in binary64; nil if none does, or if a
    /// term overflows binary64 (a center far out, from a poor solution). The
    /// exact check decides afterwards.
    static func radiusExponent(_ terms: Terms) -> Int? {
        let g = terms.g.map(\.doubleValue), c = terms.c.map(\.doubleValue), q = terms.q.map(\.doubleValue)
        guard (g + c + q).allSatisfy(\.isFinite) else { return nil }
        let ratio: (Int) -> Double = { k in
            let rho = Double(sign: .plus, exponent: k, significand: 1)
            return g.indices.map { (g[$0] + c[$0] * rho + q[$0] * rho * rho) / rho }.max() ?? 0
        }
        let lowest = Int((Foundation.log2(Swift.max(g.max() ?? 0, 1e-300)) + 1).rounded(.up))
        guard lowest <= 0 else { return nil }
        let ks = Array(Swift.max(lowest, -1000)...0)
        return ks.first(where: { ratio($0) <= 0.5 }) ?? ks.first(where: { ratio($0) < 0.99 })
    }
}
