import ExactLinearAlgebra

/// A signed permutation matrix: row `i` has its single nonzero entry
/// `sign[i] = ±1` in column `image[i]`.
///
/// These form the hyperoctahedral group; its commutator subgroup is the set
/// with an even permutation part and an even number of `−1` entries, and two
/// elements are conjugate iff they have the same signed cycle type. Used for
/// the commutator step on permutation inputs, where it keeps every layer
/// entry to a few bits.
struct SignedPermutation: Equatable {
    var image: [Int]
    var sign: [Int]

    init(image: [Int], sign: [Int]) { self.image = image; self.sign = sign }

    /// `nil` unless `m` is square with one entry `±1` per row and column.
    init?(_ m: RationalMatrix) {
        guard m.isSquare else { return nil }
        let n = m.rows
        var image = [Int](repeating: -1, count: n), sign = [Int](repeating: 0, count: n)
        var used = [Bool](repeating: false, count: n)
        for i in 0..<n {
            for j in 0..<n where !m[i, j].isZero {
                guard image[i] < 0, !used[j], m[i, j] == .one || m[i, j] == -.one else { return nil }
                image[i] = j; sign[i] = m[i, j].sign; used[j] = true
            }
            guard image[i] >= 0 else { return nil }
        }
        self.init(image: image, sign: sign)
    }

    var count: Int { image.count }

    var matrix: RationalMatrix {
        RationalMatrix(rows: count, columns: count) { i, j in image[i] == j ? Rational(sign[i]) : .zero }
    }

    /// The matrix product `a · b`.
    static func * (a: SignedPermutation, b: SignedPermutation) -> SignedPermutation {
        SignedPermutation(image: a.image.map { b.image[$0] }, sign: (0..<a.count).map { a.sign[$0] * b.sign[a.image[$0]] })
    }

    static func random(_ n: Int, _ rng: inout SeededGenerator) -> SignedPermutation {
        var image = Array(0..<n)
        image.shuffle(using: &rng)
        return SignedPermutation(image: image, sign: (0..<n).map { _ in rng.next() & 1 == 0 ? 1 : -1 })
    }

    /// Cycles of the row map `i ↦ image[i]`, each with its sign product.
    var cycles: [(members: [Int], sign: Int)] {
        var seen = [Bool](repeating: false, count: count)
        var result: [([Int], Int)] = []
        for start in 0..<count where !seen[start] {
            var members: [Int] = [], product = 1, i = start
            while !seen[i] { seen[i] = true; members.append(i); product *= sign[i]; i = image[i] }
            result.append((members, product))
        }
        return result
    }

    /// Sorted (length, sign product) pairs: the conjugacy class.
    var signedCycleType: [[Int]] { cycles.map { [$0.members.count, $0.sign] }.sorted { $0.lexicographicallyPrecedes($1) } }

    var isInCommutatorSubgroup: Bool {
        let permutationParity = cycles.reduce(0) { $0 + $1.members.count - 1 } % 2
        return permutationParity == 0 && sign.filter { $0 < 0 }.count % 2 == 0
    }

    /// `K` with `a·K = K·b`, for `a`, `b` of the same signed cycle type:
    /// `k(a(i)) = b(k(i))`, signs propagated along each matched cycle.
    static func conjugator(from a: SignedPermutation, to b: SignedPermutation) -> SignedPermutation? {
        guard a.signedCycleType == b.signedCycleType else { return nil }
        var pool = Dictionary(grouping: b.cycles, by: { [$0.members.count, $0.sign] })
        var k = [Int](repeating: -1, count: a.count), t = [Int](repeating: 0, count: a.count)
        for cycle in a.cycles {
            let key = [cycle.members.count, cycle.sign]
            guard let partner = pool[key]?.popLast() else { return nil }
            var i = cycle.members[0], j = partner.members[0], s = 1
            for _ in 0..<cycle.members.count {
                k[i] = j; t[i] = s
                // t(a(i)) = t(i)·s_b(k(i))·s_a(i)
                s = s * b.sign[j] * a.sign[i]
                i = a.image[i]; j = b.image[j]
            }
        }
        return SignedPermutation(image: k, sign: t)
    }

    /// For `det = 1` outside the commutator subgroup: the coordinates of the
    /// fewest cycles whose classes add up to the offending class (one even
    /// cycle with sign product −1, or an even cycle with sign +1 together
    /// with an odd cycle with sign −1). The other cycles form a commutator.
    var offendingCycles: [Int]? {
        let classified = cycles.map { cycle in
            (members: cycle.members, parity: (cycle.members.count - 1) % 2, negative: cycle.sign < 0)
        }
        let both = classified.filter { $0.parity == 1 && $0.negative }.min { $0.members.count < $1.members.count }
        let oddPermutation = classified.filter { $0.parity == 1 && !$0.negative }.min { $0.members.count < $1.members.count }
        let oddSigns = classified.filter { $0.parity == 0 && $0.negative }.min { $0.members.count < $1.members.count }
        var candidates: [[Int]] = []
        if let both { candidates.append(both.members) }
        if let oddPermutation, let oddSigns { candidates.append(oddPermutation.members + oddSigns.members) }
        return candidates.min { $0.count < $1.count }?.sorted()
    }

    /// The restriction to `coordinates` (a union of cycles), reindexed.
    func restricted(to coordinates: [Int]) -> SignedPermutation {
        var position = [Int: Int]()
        for (k, c) in coordinates.enumerated() { position[c] = k }
        return SignedPermutation(image: coordinates.map { position[image[$0]]! }, sign: coordinates.map { sign[$0] })
    }
}
