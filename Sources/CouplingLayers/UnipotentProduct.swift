import ExactLinearAlgebra

/// `T = [I 0; X1 I][I Y1; 0 I] ⋯ [I 0; Xk I][I Yk; 0 I] · diag(G1, G2)`:
/// the form every construction produces first (theory §2).
struct UnipotentProduct {
    var pairs: [(x: RationalMatrix, y: RationalMatrix)]
    var g1: [Rational]
    var g2: [Rational]

    /// Coupling layers, by pushing the diagonal to the left through the
    /// unipotent factors (diagonals normalize `N±`); it lands in the first
    /// pair as `B1 = G2`, `C1 = G1`, every other pair has `B = C = I`.
    func couplingPairs() -> [CouplingPair] {
        let d = g1.count
        let ones = [Rational](repeating: .one, count: d)
        var layers: [CouplingPair] = []
        let inverse1 = g1.map(\.reciprocal), inverse2 = g2.map(\.reciprocal)
        for (index, pair) in pairs.enumerated() {
            if index == 0 {
                // diag(G1,G2)·N-(X')·N+(Y') with X' = G2⁻¹ X G1, Y' = G1⁻¹ Y G2
                // = L(X, G2) · U(G1, Y·G2).
                let yScaled = RationalMatrix(rows: d, columns: d) { i, j in pair.y[i, j] * g2[j] }
                layers.append(CouplingPair(A: pair.x, B: g2, C: g1, D: yScaled))
            } else {
                let x = RationalMatrix(rows: d, columns: d) { i, j in inverse2[i] * pair.x[i, j] * g1[j] }
                let y = RationalMatrix(rows: d, columns: d) { i, j in inverse1[i] * pair.y[i, j] * g2[j] }
                layers.append(CouplingPair(A: x, B: ones, C: ones, D: y))
            }
        }
        return layers
    }
}
