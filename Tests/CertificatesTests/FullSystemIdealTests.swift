import Foundation
import Testing
import Certificates
import CouplingCore
import CouplingLayers
import ExactLinearAlgebra

@Suite struct FullSystemIdealTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func value(_ e: [SparseMonomial: Rational], at point: [Rational]) -> Rational {
        e.reduce(Rational.zero) { sum, term in
            term.key.factors.reduce(term.value) { product, f in
                (0..<f.exponent).reduce(product) { p, _ in p * point[f.variable] }
            } + sum
        }
    }

    /// Every e_k of format §6.8 vanishes at the point a product of two pairs
    /// gives, and not every one at a perturbed point: the equations are the
    /// depth-2 system, which is what makes the witness sound.
    @Test func equationsVanishExactlyAtFactorizations() throws {
        var rng = SeededGenerator(seed: 31)
        for d in 1...3 {
            let entry = { (rng: inout SeededGenerator) in Rational(rng.int(in: -5...5), rng.int(in: 1...3)) }
            let nonzero = { (rng: inout SeededGenerator) in Rational(rng.int(in: 1...4) * (rng.int(in: 0...1) * 2 - 1), rng.int(in: 1...3))
            }
            let block = { (rng: inout SeededGenerator) in RationalMatrix(rows: d, columns: d) { _, _ in entry(&rng) } }
            let (x, y, z, w) = (block(&rng), block(&rng), block(&rng), block(&rng))
            let delta = (0..<d).map { _ in nonzero(&rng) }, epsilon = (0..<d).map { _ in nonzero(&rng) }
            let (i, o) = (RationalMatrix.identity(d), RationalMatrix.zero(d, d))
            let q = RationalMatrix.blocks(i, o, x, i) * .blocks(i, y, o, i) * .blocks(i, o, z, i) * .blocks(i, w, o, i)
            let scaling = RationalMatrix(rows: 2 * d, columns: 2 * d) { r, c in r == c ? 1 / (r < d ? delta[r] : epsilon[r - d]) : .zero }
            let t = q * scaling
            let s = try #require(t.inverse())
            var point = x.entries + w.entries + delta + epsilon + delta.map { 1 / $0 } + epsilon.map { 1 / $0 }
            let count = FullSystemIdeal.equationCount(d: d)
            #expect(point.count == FullSystemIdeal.variableCount(d: d))
            for k in 0..<count {
                #expect(Self.value(FullSystemIdeal.equation(k, t: t, inverse: s), at: point).isZero, "e_\(k), d = \(d)")
            }
            // At d = 1 a shift of x can stay on the solution curve; from d = 2 on it leaves it.
            guard d >= 2 else { continue }
            point[0] += 1
            #expect((0..<count).contains { !Self.value(FullSystemIdeal.equation($0, t: t, inverse: s), at: point).isZero })
        }
    }

    static func corpus(_ regime: String, _ name: String) throws -> [String: Any] {
        let url = root.appendingPathComponent("proofs/permutations/full-system/d3-\(regime)/\(name)")
        return try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    static func verdict(_ c: [String: Any]) throws -> Verdict {
        CertificateVerifier.verify(data: try JSONSerialization.data(withJSONObject: c))
    }

    /// Replaces the witness's cofactors (or another witness field).
    static func with(_ c: [String: Any], _ key: String, _ value: Any) -> [String: Any] {
        var c = c, w = c["witness"] as! [String: Any]
        w[key] = value
        c["witness"] = w
        return c
    }

    func rejected(_ c: [String: Any], _ fragment: String) throws {
        guard case .rejected(let reason) = try Self.verdict(c) else { Issue.record("accepted (\(fragment))"); return }
        #expect(reason.contains(fragment), "reason was: \(reason)")
    }

    /// One certificate of each conclusion from the corpus: accepted as
    /// written, and every tampering of its witness rejected with its reason.
    @Test(arguments: [
        ("positive", "positive-d3-034125.json"), ("positive", "positive-d3-134052.json"), ("signed", "signed-d3-153420.json"),
    ])
    func corpusWitnessesHoldAndTamperingIsCaught(regime: String, name: String) throws {
        let c = try Self.corpus(regime, name)
        #expect(try Self.verdict(c).isAccepted)
        let witness = c["witness"] as! [String: Any]
        let terms = witness["cofactors"] as! [[Any]]
        let first = terms[0]
        let doubled = [[first[0], first[1], "2*" + (first[2] as! String)]] + terms.dropFirst()
        try rejected(Self.with(c, "cofactors", doubled), "canonical")
        let scaled = [[first[0], first[1], (first[2] as! String).hasPrefix("-") ? "-3" : "3"]] + terms.dropFirst()
        try rejected(Self.with(c, "cofactors", scaled), "full-system-ideal")
        try rejected(Self.with(c, "cofactors", Array(terms.dropFirst())), "full-system-ideal")
        let moved = [[((first[0] as! Int) + 1) % 24, first[1], first[2]]] + terms.dropFirst()
        try rejected(Self.with(c, "cofactors", moved), "full-system-ideal")
        try rejected(Self.with(c, "cofactors", terms + [first]), "repeats")
        try rejected(Self.with(c, "cofactors", [[24, [], "1"]]), "equation index")
        for monomial in [[[3, 1], [2, 1]], [[5, 0]], [[5, 65]], [[30, 1]], [[1, 1], [1, 1]]] {
            try rejected(Self.with(c, "cofactors", [[0, monomial, "1"]]), "monomial pairs")
        }
        try rejected(Self.with(c, "cofactors", [[0, [[0, 1]], "0"]]), "coefficient is 0")
        try rejected(Self.with(c, "conclusion", "squares"), "witness.conclusion")
        // p for one equation alone still holds x and w variables.
        try rejected(Self.with(c, "cofactors", [[0, [], "1"]]), "x or w")
        // A monomial p is positive nowhere in particular; a sum is not one term.
        let other = witness["conclusion"] as! String == "monomial" ? "positive-coefficients" : "monomial"
        if regime == "signed" || other == "monomial" { try rejected(Self.with(c, "conclusion", other), "full-system-ideal") }
    }

    /// A positive-coefficients witness proves nothing with signed scalings.
    @Test func positiveCoefficientsAreRejectedInTheSignedRegime() throws {
        var c = try Self.corpus("positive", "positive-d3-034125.json")
        #expect((c["witness"] as! [String: Any])["conclusion"] as! String == "positive-coefficients")
        c["regime"] = "signed"
        c["layers"] = nil
        c["depth"] = nil
        c["claim"] = "not-in-K2"
        try rejected(c, "proves nothing in the signed regime")
    }

    @Test func budgetsAreCheckedBeforeTheInverse() {
        let term = IdealCofactorTerm(equation: 0, monomial: SparseMonomial([]), coefficient: 1)
        #expect(FullSystemIdeal.budgetViolation([term], d: 3) == nil)
        #expect(FullSystemIdeal.budgetViolation([], d: 3) != nil)
        let many = (0..<5000).map {
            IdealCofactorTerm(
                equation: 0,
                monomial: SparseMonomial([.init(variable: 0, exponent: 1 + $0 % 60), .init(variable: 1 + $0 / 60, exponent: 1)]),
                coefficient: 1)
        }
        #expect(FullSystemIdeal.budgetViolation(many, d: 40)?.contains("work budget") == true)
        let high = IdealCofactorTerm(
            equation: 0, monomial: SparseMonomial([.init(variable: 0, exponent: 40), .init(variable: 1, exponent: 30)]), coefficient: 1)
        #expect(FullSystemIdeal.budgetViolation([high], d: 3)?.contains("total degree") == true)
        let c = Certificate(
            regime: .positive, matrix: .identity(130), claim: .notInK2(.fullSystemIdeal(conclusion: .monomial, cofactors: [term])))
        guard case .rejected(let reason) = CertificateVerifier.verify(json: c.jsonText) else { Issue.record("accepted"); return }
        #expect(reason.contains("d <= 64"))
    }
}
