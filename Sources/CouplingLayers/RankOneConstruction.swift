import Dispatch
import ExactLinearAlgebra

/// Depth 3 by pole placement with a rank-one last pair (theory §5.3):
/// `X = u·vᵀ` gives `T'11 = T11 + a·vᵀ` and `(T'⁻¹)22 = V + u·wᵀ`, and both
/// get the same `d` distinct small rational eigenvalues `λ_i`, each side by
/// one linear solve. Then they are similar, and the eigenvectors (single
/// shifted solves) give the intertwiner `Y1 = S1·diag(z)·S2⁻¹` directly,
/// without the commutator step. Certificates are about `1.1·d` times as
/// tall as `T⁻¹` instead of `d²/1.7` times.
///
/// `nil` when `T11` or `V` is not cyclic (the swap, `[I 2I; I I]`, scalar
/// blocks): a rank-one `X` cannot give a derogatory block `d` distinct
/// eigenvalues, so the other depth-3 methods take these.
enum RankOneConstruction {
    static func factor(_ prepared: PreparedMatrix) -> UnipotentProduct? {
        var excluded: Set<Rational> = []
        while true {
            switch attempt(prepared, excluding: excluded) {
            case .factored(let product): return product
            case .declined: return nil
            case .collided(let lambdas): excluded.formUnion(lambdas)
            }
        }
    }

    enum Outcome {
        case factored(UnipotentProduct)
        /// Not cyclic, or an unlucky `u`, `v`: another method takes it.
        case declined
        /// These `λ` are eigenvalues of `T11` or `V` (a shifted system is singular).
        case collided([Rational])
    }

    static func attempt(_ prepared: PreparedMatrix, excluding excluded: Set<Rational>) -> Outcome {
        let t = prepared.matrix, d = prepared.d
        // Δ divides the last column by det T; u = e_d pairs with it (prototype:
        // q, the tallest part, half as tall as with the first column).
        let det = prepared.determinant
        let g2 = (0..<d).map { $0 == d - 1 ? det : .one }
        let scaled = RationalMatrix(rows: 2 * d, columns: 2 * d) { i, j in j == 2 * d - 1 ? t[i, j] / det : t[i, j] }
        let tb = prepared.blocks, b = BlockView(scaled)
        let jv = 0
        let v = LinearMap.unit(jv, d)
        let lambdas = eigenvalues(d, excluding: excluded)

        // T11 side: λ is an eigenvalue of T11 + a·vᵀ iff vᵀ(λ − T11)⁻¹a = 1.
        let r = parallelMap(d) { i in (lambdas[i] * .identity(d) - b.t11).transpose.solve(column(v)).map { $0.entries } }
        let rows = r.compactMap { $0 }
        guard rows.count == d else { return .collided(zip(lambdas, r).filter { $0.1 == nil }.map(\.0)) }
        guard let a = RationalMatrix(rows).solve(column([Rational](repeating: .one, count: d)))?.entries
        else { return .declined }

        // `E·u = a` with `E = T11·Y − T12` and `Y·u = p`: any u when T11 is
        // invertible, else `[T11, −T12]·[p; ũ] = a` jointly (full row rank).
        var u = LinearMap.unit(d - 1, d)
        let p: [Rational]
        if let solved = solveIntegral(b.t11, zip(a, b.t12.applied(to: u)).map(+)) {
            p = solved
        } else {
            guard let joint = RationalMatrix.blocks(tb.t11, -tb.t12, .zero(0, d), .zero(0, d)).particularSolution(a) else {
                return .declined
            }
            p = Array(joint[0..<d])
            u = zip(joint[d...], g2).map(*)  // T12 = t12·Δ2, so u = Δ2⁻¹·ũ
            guard u.contains(where: { !$0.isZero }) else { return .declined }
        }

        // V side: y_i = (λ_i − V)⁻¹u and s_i = Q·y_i from the small pencil.
        let rhs = (tb.t12.applied(to: scaledU(u, g2)) + tb.t22.applied(to: scaledU(u, g2)))
        let pencilSolutions = parallelMap(d) { i in solveIntegral(pencil(tb, g2, lambdas[i]), rhs) }
        let solved = pencilSolutions.compactMap { $0 }
        guard solved.count == d else { return .collided(zip(lambdas, pencilSolutions).filter { $0.1 == nil }.map(\.0)) }
        let ys = solved.map { x in zip(x[d...], g2).map(*) }  // y = Δ2⁻¹·ỹ
        let ss = solved.map { Array($0[0..<d]) }
        // λ_i (i < d) is an eigenvalue of V + u·wᵀ, wᵀ = vᵀQ + qᵀV, iff
        // qᵀ(λ_i·y_i − u) = 1 − vᵀs_i; the last row makes Y exist (qᵀu = vᵀp),
        // and det V' = det T'11 puts the last eigenvalue at λ_d.
        let vp = dot(v, p)
        var qRows = (0..<(d - 1)).map { i in zip(ys[i], u).map { lambdas[i] * $0 - $1 } }
        qRows.append(u)
        var qRight = (0..<(d - 1)).map { i in .one - dot(v, ss[i]) }
        qRight.append(vp)
        guard let q = RationalMatrix(qRows).solve(column(qRight))?.entries else { return .declined }

        let k = u.lastIndex { !$0.isZero }!
        let c = LinearMap.unit(k, d).map { $0 / u[k] }  // cᵀu = 1
        // Y = p·cᵀ + v·qᵀ − (vᵀp)·v·cᵀ: Y·u = p, Yᵀ·v = q.
        let y = RationalMatrix(rows: d, columns: d) { i, j in p[i] * c[j] + v[i] * q[j] - vp * v[i] * c[j] }
        let x = RationalMatrix(rows: d, columns: d) { i, j in u[i] * v[j] }

        // w only up to scale: ℓ_i ∝ (λ_i − Vᵀ)⁻¹w are left eigenvectors of V'.
        guard let w = scaled.transpose.solve(column(primitive(v + q)))?.entries.suffix(d) else { return .declined }
        let wHat = primitive(Array(w))
        let leftRight = b.t21.transpose.applied(to: wHat) + b.t22.transpose.applied(to: wHat)
        let t11Side = primitive(a)
        let eigenvectors = parallelMap(d) { i -> (x: [Rational], l: [Rational])? in
            let shifted = lambdas[i] * .identity(d) - b.t11
            guard let x = solveIntegral(shifted, t11Side),
                let l = solveIntegral(pencil(b.transposedBlocks, nil, lambdas[i]), leftRight)
            else { return nil }
            return (primitive(x), primitive(Array(l[d...])))
        }
        guard eigenvectors.allSatisfy({ $0 != nil }) else { return .declined }
        let xs = eigenvectors.map { $0!.x }, ls = eigenvectors.map { $0!.l }
        let rs = rows.map(primitive), yHats = ys.map(primitive)

        // M − I = Σ (λ_i − 1)/(r̂ᵢᵀx̂ᵢ)·x̂ᵢr̂ᵢᵀ. z_i makes the i-th term of
        // Z1 (P⁻¹(M − I) when P is invertible) the primitive integer matrix ±ŷᵢr̂ᵢᵀ (prototype:
        // half the height of z = 1, where Z1 is about twice as tall as P).
        var sigma = [Rational](), zeta = [Rational](), inverseWeight = [Rational]()
        for i in 0..<d {
            let rx = dot(rs[i], xs[i]), ly = dot(ls[i], yHats[i])
            let term = (lambdas[i] - .one) / rx
            sigma.append(term.isZero ? .zero : Rational(term.sign))
            // λ_i = 1 gives Z1 no i-th term and leaves z_i free: z_i = 0
            // drops it from P too. P·Z1 = M − I and (I − Z1·M⁻¹·P)⁻¹ = V' still
            // hold (the λ = 1 projector is its own term), so P may be singular.
            // z_i = 0 beats the old z_i = 1/(ℓ̂ᵢᵀŷᵢ): 12088 → 10288 bits at d = 32.
            zeta.append(term.isZero ? .zero : term.magnitude / ly)
            inverseWeight.append(.one / (lambdas[i] * rx))
        }
        let s1 = RationalMatrix(rows: d, columns: d) { i, j in xs[j][i] }
        let s2 = RationalMatrix(rows: d, columns: d) { i, j in yHats[j][i] }
        let rHat = RationalMatrix(rs), lHat = RationalMatrix(ls)
        // Every product below is a sum of rank-one terms: x̂ᵢ, ŷᵢ on the left,
        // r̂ᵢᵀ, ℓ̂ᵢᵀ on the right (M⁻¹ = Σ x̂ᵢr̂ᵢᵀ/(λᵢ·r̂ᵢᵀx̂ᵢ)); no dense inverse.
        // Integer products over common denominators: one gcd per entry of
        // the results instead of one per entry of every intermediate.
        typealias Integral = CommonDenominatorMatrix
        let zero = Integral(.zero(d, d)), s1i = Integral(s1), s2i = Integral(s2), rHati = Integral(rHat), lHati = Integral(lHat)
        let y1 = Integral.multiplyAdd(s1i, lHati.scalingRows(zeta), zero).rational
        let z1 = Integral.multiplyAdd(s2i.scalingColumns(sigma), rHati, zero).rational
        let tPrime12 = b.t12 - b.t11 * y
        let tPrime21 =
            b.t21
            + RationalMatrix(rows: d, columns: d) { i, j in
                v[j].isZero ? .zero : (dot(b.t21.row(i), p) - dot(b.t22.row(i), u)) * v[j]
            }
        // W1 = S1·(diag(w)·R̂·T'12 − diag(ζ/λ)·L̂), X1 = (T'21·S1·diag(w) − S2·diag(σ/λ))·R̂,
        // each as 0 − (negated inner sum), since `multiplyAdd` subtracts.
        let w1Inner = Integral.multiplyAdd(
            rHati.scalingRows(inverseWeight), Integral(tPrime12),
            lHati.scalingRows(zip(zeta, lambdas).map(/)), subtracting: true)
        let w1 = Integral.multiplyAdd(s1i, w1Inner, zero, subtracting: true).rational
        let x1Inner = Integral.multiplyAdd(
            Integral(tPrime21), s1i.scalingColumns(inverseWeight),
            s2i.scalingColumns(zip(sigma, lambdas).map(/)), subtracting: true)
        let x1 = Integral.multiplyAdd(x1Inner, rHati, zero, subtracting: true).rational
        return .factored(UnipotentProduct(pairs: [(x1, y1), (z1, w1), (x, y)], g1: Array(repeating: .one, count: d), g2: g2))
    }

    /// The first `d` of `1, −1, 2, −2, …` not excluded (small eigenvalues
    /// keep the pole placement short; the prototype found other small sets
    /// within about 10%).
    static func eigenvalues(_ d: Int, excluding excluded: Set<Rational>) -> [Rational] {
        Array((1...).lazy.flatMap { [Rational($0), Rational(-$0)] }.filter { !excluded.contains($0) }.prefix(d))
    }

    /// `[T11, λ·T12; T21, λ·T22 − G]`: `(λ − V)⁻¹u` is the lower half of its
    /// solution for the right side `[T12·u; T22·u]`. Small entries, where
    /// `λ − V` has entries as tall as `T⁻¹`'s. `G = Δ2⁻¹` (or `I`) absorbs Δ's
    /// column scaling, so `t`'s integer blocks are used as they are.
    static func pencil(_ b: BlockView, _ g: [Rational]?, _ lambda: Rational) -> RationalMatrix {
        let shift = g.map { RationalMatrix.diagonal($0) } ?? .identity(b.d)
        return .blocks(b.t11, lambda * b.t12, b.t21, lambda * b.t22 - shift)
    }

    /// `a·x = rhs` with `rhs` scaled to integers by one common factor first:
    /// the solver scales each row by its lcm of denominators, and scaling
    /// every row by a long denominator would inflate all of Bareiss' minors.
    static func solveIntegral(_ a: RationalMatrix, _ rhs: [Rational]) -> [Rational]? {
        guard let k = rhs.firstIndex(where: { !$0.isZero }) else { return a.solve(column(rhs)).map { $0.entries } }
        let integral = primitive(rhs)
        let scale = rhs[k] / integral[k]
        return a.solve(column(integral))?.entries.map { $0 * scale }
    }

    static func primitive(_ v: [Rational]) -> [Rational] { column(v).withPrimitiveIntegerColumns().entries }
    static func column(_ v: [Rational]) -> RationalMatrix { RationalMatrix(rows: v.count, columns: 1, entries: v) }
    static func dot(_ a: [Rational], _ b: [Rational]) -> Rational {
        zip(a, b).reduce(.zero) { $1.0.isZero || $1.1.isZero ? $0 : $0 + $1.0 * $1.1 }
    }
    static func scaledU(_ u: [Rational], _ g2: [Rational]) -> [Rational] { zip(u, g2).map(/) }

    /// `body(0..<n)` on all cores: the shifted solves are independent.
    static func parallelMap<T: Sendable>(_ n: Int, _ body: @Sendable (Int) -> T) -> [T] {
        let slots = Slots<T>(n)
        DispatchQueue.concurrentPerform(iterations: n) { slots.buffer[$0] = body($0) }
        return slots.buffer.map { $0! }
    }

    /// One slot per index, each written by exactly one iteration.
    private final class Slots<T>: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<T?>
        init(_ n: Int) { buffer = .allocate(capacity: n); buffer.initialize(repeating: nil) }
        deinit { buffer.deinitialize(); buffer.deallocate() }
    }
}

private extension BlockView {
    /// The blocks of `Tᵀ`: its pencil gives `(λ − Vᵀ)⁻¹`.
    var transposedBlocks: BlockView { BlockView(.blocks(t11.transpose, t21.transpose, t12.transpose, t22.transpose)) }
}
