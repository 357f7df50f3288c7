import CouplingLayers
import ExactLinearAlgebra
import Foundation

/// Where `search-k2` draws its candidate matrices from.
public enum CandidateFamily: String, CaseIterable, Sendable {
    /// Gaussian entries rounded to multiples of 2⁻¹⁰ (exact, short rationals).
    case random
    /// Integer entries in `-3...3`.
    case integer
    /// Every permutation matrix of size `2d` with det > 0, each once.
    case permutations
    /// Constructions from theory §4 that are usually not in `K_2` (T11 = 0
    /// with a sparse off-diagonal pattern; principal-minor sign patterns),
    /// disguised by `[I 0; X I]`, `[I Y; 0 I]` and positive diagonals, which
    /// keep the minimal depth. Finds counterexamples fast.
    case structured

    /// Whether candidates are enumerated (finite, each once) rather than sampled.
    public var isEnumerated: Bool { self == .permutations }
}

/// Draws candidate matrices deterministically from a seed.
struct CandidateSampler {
    let d: Int
    let regime: Regime
    let family: CandidateFamily
    var rng: SeededGenerator

    init(d: Int, regime: Regime, family: CandidateFamily, seed: UInt64) {
        self.d = d; self.regime = regime; self.family = family
        rng = SeededGenerator(seed: seed)
    }

    mutating func next() -> RationalMatrix {
        let n = 2 * d
        switch family {
        case .random:
            return Self.positiveDeterminant { RationalMatrix(rows: n, columns: n) { _, _ in gaussian() } }
        case .integer:
            return Self.positiveDeterminant { RationalMatrix(rows: n, columns: n) { _, _ in Rational(rng.int(in: -3...3)) } }
        case .structured:
            // At d = 1 no principal-minor pattern exists (T11 > 0 forces det T < 0).
            return disguise(rng.next() % 2 == 0 || regime == .signed || d == 1 ? zeroCorner() : minorPattern())
        case .permutations:
            preconditionFailure("permutations are enumerated, not sampled")
        }
    }

    private mutating func gaussian() -> Rational {
        // Box–Muller, rounded to a 2⁻¹⁰ grid so the matrix is exact and short.
        let u1 = Double(rng.next() >> 11 | 1) / Double(1 << 53)
        let u2 = Double(rng.next() >> 11) / Double(1 << 53)
        let g = (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
        return Rational(Int((g * 1024).rounded()), 1024)
    }

    /// Redraws singular matrices and negates the first row when det < 0.
    private static func positiveDeterminant(_ draw: () -> RationalMatrix) -> RationalMatrix {
        while true {
            if let oriented = draw().withPositiveDeterminant() { return oriented }
        }
    }

    /// `[0 T12; T21 T22]` with `T12` a signed permutation times a positive
    /// diagonal and `T21` with a nonzero off-diagonal entry in every row:
    /// then `γ_i = 0` is forced for every i (theory §4, T11 = 0).
    private mutating func zeroCorner() -> RationalMatrix {
        var order = Array(0..<d)
        order.shuffle(using: &rng)
        let t12 = RationalMatrix(rows: d, columns: d) { i, j in
            order[i] == j ? Rational((rng.next() & 1 == 0 ? 1 : -1) * rng.int(in: 1...3)) : .zero
        }
        return Self.positiveDeterminant {
            var t21 = RationalMatrix(rows: d, columns: d) { _, _ in Rational(rng.int(in: -2...2)) }
            if d > 1 { for i in 0..<d where t21[i, (i + 1) % d].isZero { t21[i, (i + 1) % d] = Rational(rng.int(in: 1...3)) } }
            let t22 = RationalMatrix(rows: d, columns: d) { _, _ in Rational(rng.int(in: -3...3)) }
            return .blocks(.zero(d, d), t12, t21, t22)
        }
    }

    /// `T11` with a positive diagonal and Schur complement `S = −(I + N)`
    /// (`N` strictly upper triangular), so `V = S⁻¹` has diagonal −1: the
    /// order-1 principal-minor witness.
    private mutating func minorPattern() -> RationalMatrix {
        while true {
            let t11 = RationalMatrix(rows: d, columns: d) { i, j in Rational(i == j ? rng.int(in: 1...4) : rng.int(in: -3...3)) }
            let det11 = t11.determinant
            // det T = det T11 · det S = det T11 · (−1)^d must be positive.
            guard !det11.isZero, (det11.sign > 0) == (d % 2 == 0), let t11Inverse = t11.inverse() else { continue }
            let s = RationalMatrix(rows: d, columns: d) { i, j in
                i == j ? -.one : (j > i ? Rational(-rng.int(in: -2...2)) : .zero)
            }
            let t12 = RationalMatrix(rows: d, columns: d) { _, _ in Rational(rng.int(in: -3...3)) }
            let t21 = RationalMatrix(rows: d, columns: d) { _, _ in Rational(rng.int(in: -3...3)) }
            return .blocks(t11, t12, t21, s + t21 * t11Inverse * t12)
        }
    }

    /// `diag(P1) · [I 0; X I] · T · [I Y; 0 I] · diag(P2)`: same minimal depth.
    private mutating func disguise(_ t: RationalMatrix) -> RationalMatrix {
        let n = 2 * d
        let x = RationalMatrix(rows: d, columns: d) { _, _ in Rational(rng.int(in: -1...1)) }
        let y = RationalMatrix(rows: d, columns: d) { _, _ in Rational(rng.int(in: -1...1)) }
        let left = RationalMatrix.blocks(.identity(d), .zero(d, d), x, .identity(d))
        let right = RationalMatrix.blocks(.identity(d), y, .zero(d, d), .identity(d))
        let p1 = (0..<n).map { _ in Rational(rng.int(in: 1...3)) }
        let p2 = (0..<n).map { _ in Rational(rng.int(in: 1...3)) }
        return .diagonal(p1) * left * t * right * .diagonal(p2)
    }
}

/// Even permutations of `0..<n` by rank (factorial number system), so shards
/// split the rank range without coordination.
enum PermutationEnumeration {
    static func count(_ n: Int) -> Int { (1...max(n, 1)).reduce(1, *) }

    /// The permutation of rank `r`, as `image[i]`.
    static func permutation(rank r: Int, size n: Int) -> [Int] {
        var remaining = Array(0..<n)
        var rank = r
        var image: [Int] = []
        for k in stride(from: n, to: 0, by: -1) {
            let f = count(k - 1)
            image.append(remaining.remove(at: rank / f))
            rank %= f
        }
        return image
    }

    static func isEven(_ p: [Int]) -> Bool {
        var inversions = 0
        for i in 0..<p.count { for j in (i + 1)..<p.count where p[i] > p[j] { inversions += 1 } }
        return inversions % 2 == 0
    }

    static func matrix(_ p: [Int]) -> RationalMatrix {
        RationalMatrix(rows: p.count, columns: p.count) { i, j in p[i] == j ? .one : .zero }
    }
}
