import Foundation
import FloatLinearAlgebra

/// Commutators of orthogonal matrices: for `C ∈ SO(d)`, orthogonal `H, K`
/// with `C = Hᵀ Kᵀ H K`, i.e. `H C = K⁻¹ H K` (theory.md §5 step 3).
///
/// ```swift
/// if let (h, k) = OrthogonalCommutator.factors(c) {
///     print(h.transposeTimes(k.transposeTimes(h * k)))   // ≈ c
/// }
/// ```
///
/// Why it is well conditioned: the real Schur form of an orthogonal matrix
/// is block diagonal, `C = Z S Zᵀ` with rotations `R(θ)` (and ±1 entries,
/// the −1s paired into rotations by π since `det C = 1`). Each rotation is a
/// commutator of a reflection `F = diag(1, −1)` and a half-angle rotation:
/// `F R(−θ/2) F R(θ/2) = R(θ)`. So `H = Z H_S Zᵀ` and `K = Z K_S Zᵀ` are
/// orthogonal: every entry is at most 1 and both have condition number 1,
/// unlike the triangular recipe of §5, whose eigenvector matrices inherit
/// the spread of the leading minors.
public enum OrthogonalCommutator {
    public static func factors(_ c: DoubleMatrix) -> (h: DoubleMatrix, k: DoubleMatrix)? {
        let d = c.rows
        guard let (z, s) = c.realSchurForm else { return nil }
        var h = DoubleMatrix.identity(d)
        var k = DoubleMatrix.identity(d)
        var negative: [Int] = []
        var i = 0
        while i < d {
            if i + 1 < d, s[i + 1, i] != 0 {
                // Standardized block [a b; c a] of a rotation: b ≈ −c.
                let theta = atan2(0.5 * (s[i + 1, i] - s[i, i + 1]), s[i, i])
                setReflection(&h, i, i + 1)
                setRotation(&k, i, i + 1, cosine: cos(theta / 2), sine: sin(theta / 2))
                i += 2
            } else {
                if s[i, i] < 0 { negative.append(i) }
                i += 1
            }
        }
        guard negative.count % 2 == 0 else { return nil }
        for pair in stride(from: 0, to: negative.count, by: 2) {
            // −I on a plane is the rotation by π: reflection and a quarter turn.
            setReflection(&h, negative[pair], negative[pair + 1])
            setRotation(&k, negative[pair], negative[pair + 1], cosine: 0, sine: 1)
        }
        return (z * h.timesTranspose(z), z * k.timesTranspose(z))
    }

    /// Writes `diag(1, −1)` on the coordinate plane `(p, q)`.
    private static func setReflection(_ m: inout DoubleMatrix, _ p: Int, _ q: Int) {
        m[p, p] = 1; m[q, q] = -1; m[p, q] = 0; m[q, p] = 0
    }

    /// Writes `[cos −sin; sin cos]` on the coordinate plane `(p, q)`.
    private static func setRotation(_ m: inout DoubleMatrix, _ p: Int, _ q: Int, cosine: Double, sine: Double) {
        m[p, p] = cosine; m[q, q] = cosine; m[p, q] = -sine; m[q, p] = sine
    }
}
