import ExactLinearAlgebra

/// One factor of a `2d × 2d` product: a unipotent block or a diagonal.
enum BlockFactor {
    /// `[I 0; X I]`
    case lower(RationalMatrix)
    /// `[I Y; 0 I]`
    case upper(RationalMatrix)
    /// `diag(G1, G2)`
    case diagonal([Rational], [Rational])
}

/// A product of block factors, kept short as it is built: neighbouring
/// unipotents of one kind are added (`N±` are abelian groups), and zero
/// ones are dropped.
///
/// Coupling pairs are read off greedily, one `[I 0; A I]·diag(C, B)·[I Y; 0 I]
/// = L(A, B)·U(C, C·Y)` at a time, so a diagonal costs nothing where it
/// stands between a lower and an upper factor.
struct BlockFactorSequence {
    let d: Int
    private(set) var factors: [BlockFactor] = []

    init(d: Int) { self.d = d }

    mutating func append(_ factor: BlockFactor) {
        switch (factors.last, factor) {
        case (.lower(let x)?, .lower(let y)): mergeLast(.lower(x + y), isZero: (x + y).isZero)
        case (.upper(let x)?, .upper(let y)): mergeLast(.upper(x + y), isZero: (x + y).isZero)
        case (.diagonal(let a1, let a2)?, .diagonal(let b1, let b2)):
            factors[factors.count - 1] = .diagonal(zip(a1, b1).map(*), zip(a2, b2).map(*))
        case (_, .lower(let x)) where x.isZero, (_, .upper(let x)) where x.isZero: break
        default: factors.append(factor)
        }
    }

    mutating func append(contentsOf other: [BlockFactor]) {
        for factor in other { append(factor) }
    }

    private mutating func mergeLast(_ merged: BlockFactor, isZero: Bool) {
        if isZero { factors.removeLast() } else { factors[factors.count - 1] = merged }
    }

    /// The number of coupling pairs `couplingPairs()` returns.
    var pairCount: Int { groups().count }

    func couplingPairs() -> [CouplingPair] {
        let ones = [Rational](repeating: .one, count: d)
        return groups().map { group in
            let (g1, g2) = group.diagonal ?? (ones, ones)
            let y = group.upper.map { y in RationalMatrix(rows: d, columns: d) { i, j in g1[i] * y[i, j] } }
            return CouplingPair(A: group.lower ?? .zero(d, d), B: g2, C: g1, D: y ?? .zero(d, d))
        }
    }

    /// The factors of one coupling pair, each optional.
    private struct Group {
        var lower: RationalMatrix?
        var diagonal: ([Rational], [Rational])?
        var upper: RationalMatrix?
    }

    private func groups() -> [Group] {
        var result: [Group] = []
        var index = 0
        while index < factors.count {
            var group = Group()
            if index < factors.count, case .lower(let x) = factors[index] { group.lower = x; index += 1 }
            if index < factors.count, case .diagonal(let g1, let g2) = factors[index] { group.diagonal = (g1, g2); index += 1 }
            if index < factors.count, case .upper(let y) = factors[index] { group.upper = y; index += 1 }
            result.append(group)
        }
        return result
    }
}
