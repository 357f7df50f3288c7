import CouplingLayers
import ExactLinearAlgebra
import FileIO
import Foundation

/// Why a certificate was rejected: malformed, non-canonical, of the wrong
/// shape, violating its regime, or making a false claim.
public struct CertificateError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Strict parsing of version-1 certificates (docs/certificate-format.md):
/// RFC 8259 JSON without duplicate keys (`StrictJSON`), canonical numbers,
/// every block of the shape `d` implies, binary64 layers of binary64
/// values, and witnesses within the work budget.
public enum CertificateReader {
    /// Larger files are refused unread.
    public static let maximumFileSize = InputFile.maximumBytes

    public static func parse(data: Data) throws(CertificateError) -> Certificate {
        guard !data.isEmpty else { throw CertificateError("empty file") }
        guard data.count <= maximumFileSize else { throw CertificateError("file larger than 1 GiB") }
        let root: StrictJSON.Value
        do { root = try StrictJSON.parse(data) } catch { throw CertificateError(error.description) }
        guard case .object = root else { throw CertificateError("top level is not a JSON object") }
        guard string(root["format"]) == "flowproof-certificate" else {
            throw CertificateError("field 'format' must be \"flowproof-certificate\"")
        }
        guard let version = integer(root["version"]), version == 1 else {
            throw CertificateError("unsupported or missing 'version' (this checker reads version 1)")
        }
        guard let regimeName = string(root["regime"]), let regime = Regime(rawValue: regimeName) else {
            throw CertificateError("field 'regime' must be \"positive\" or \"signed\"")
        }
        guard let d = integer(root["d"]), d >= 1, d <= 1 << 13 else {
            throw CertificateError("field 'd' must be an integer from 1 to 8192")
        }
        let matrix = try rationalMatrix(root["matrix"], rows: 2 * d, columns: 2 * d, field: "matrix", binary64: false)
        guard let claimName = string(root["claim"]) else { throw CertificateError("missing 'claim'") }
        let claim: Claim
        switch claimName {
        case "factorization":
            switch string(root["arithmetic"]) {
            case "exact":
                claim = .exactFactorization(layers: try layers(root["layers"], d: d, binary64: false))
            case "binary64":
                let parsed = try layers(root["layers"], d: d, binary64: true)
                guard let residual = root["residual"], case .object = residual, string(residual["norm"]) == "frobenius" else {
                    throw CertificateError("binary64 factorization needs residual {\"norm\": \"frobenius\", \"bound\": r}")
                }
                let bound = try rational(residual["bound"], field: "residual.bound", binary64: false)
                guard bound.sign >= 0 else { throw CertificateError("residual bound is negative") }
                claim = .binary64Factorization(layers: parsed, residualBound: bound)
            default:
                throw CertificateError("field 'arithmetic' must be \"exact\" or \"binary64\"")
            }
        case "not-in-K2":
            claim = .notInK2(try witness(root["witness"], d: d))
        case "depth":
            guard let depth = integer(root["depth"]), (1...3).contains(depth) else {
                throw CertificateError("field 'depth' must be 1, 2 or 3")
            }
            if let arithmetic = root["arithmetic"], string(arithmetic) != "exact" {
                throw CertificateError("a depth certificate needs exact arithmetic")
            }
            if depth == 2, let m = root["membership"] {
                guard root["layers"] == nil else { throw CertificateError("a depth 2 certificate has 'layers' or 'membership', not both") }
                claim = .depthTwoMembership(try membership(m, d: d))
                break
            }
            let parsed = try layers(root["layers"], d: d, binary64: false)
            guard parsed.count == depth else {
                throw CertificateError("depth \(depth) but \(parsed.count) layers")
            }
            let w: NotInK2Witness? = depth == 3 ? try witness(root["witness"], d: d) : nil
            claim = .depth(layers: parsed, witness: w)
        default:
            throw CertificateError("unknown claim '\(claimName)'")
        }
        return Certificate(regime: regime, matrix: matrix, claim: claim)
    }

    static func string(_ value: StrictJSON.Value?) -> String? {
        if case .string(let s) = value { return s }
        return nil
    }

    /// JSON integers only: not strings, booleans, or numbers written with a
    /// fraction or exponent.
    static func integer(_ value: StrictJSON.Value?) -> Int? {
        if case .number(let text, isInteger: true) = value { return Int(text) }
        return nil
    }

    /// A canonical rational string; in binary64 layers also a C99 hex float,
    /// and then (either way) exactly a binary64 value.
    static func rational(_ value: StrictJSON.Value?, field: String, binary64: Bool) throws(CertificateError) -> Rational {
        guard let text = string(value) else { throw CertificateError("\(field): numbers must be JSON strings") }
        let parsed: Rational
        if let r = Rational(canonical: text) {
            parsed = r
        } else if binary64, text.contains("x") || text.contains("X") {
            guard let r = Rational(hexFloat: text) else {
                throw CertificateError("\(field): '\(text)' is not a hexadecimal float denoting a binary64 value")
            }
            parsed = r
        } else {
            throw CertificateError("\(field): '\(text)' is not a canonical rational (-?[0-9]+(/[0-9]+)? in lowest terms, no /1)")
        }
        guard !binary64 || parsed.isBinary64 else {
            throw CertificateError("\(field): '\(text.prefix(40))' is not a binary64 value (binary64 layers hold binary64 values only)")
        }
        return parsed
    }

    static func vector(_ value: StrictJSON.Value?, count: Int, field: String, binary64: Bool) throws(CertificateError) -> [Rational] {
        guard case .array(let list) = value else { throw CertificateError("\(field) must be a list") }
        guard list.count == count else { throw CertificateError("\(field) has \(list.count) entries, expected \(count)") }
        var out: [Rational] = []
        out.reserveCapacity(count)
        for (i, x) in list.enumerated() { out.append(try rational(x, field: "\(field)[\(i)]", binary64: binary64)) }
        return out
    }

    static func rationalMatrix(_ value: StrictJSON.Value?, rows: Int, columns: Int, field: String, binary64: Bool) throws(CertificateError)
        -> RationalMatrix
    {
        guard case .array(let list) = value else { throw CertificateError("\(field) must be a list of rows") }
        guard list.count == rows else { throw CertificateError("\(field) has \(list.count) rows, expected \(rows)") }
        // Rows on all cores: checking a tall number's lowest terms is a gcd.
        // The first bad row (in order) is the one reported.
        var parsed = [Result<[Rational], CertificateError>](repeating: .success([]), count: rows)
        parsed.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer  // each row written by one iteration
            DispatchQueue.concurrentPerform(iterations: rows) { i in
                out[i] = Result { () throws(CertificateError) in
                    try vector(list[i], count: columns, field: "\(field)[\(i)]", binary64: binary64)
                }
            }
        }
        var entries: [Rational] = []
        entries.reserveCapacity(rows * columns)
        for row in parsed { entries += try row.get() }
        return RationalMatrix(rows: rows, columns: columns, entries: entries)
    }

    static func layers(_ value: StrictJSON.Value?, d: Int, binary64: Bool) throws(CertificateError) -> [CouplingPair] {
        guard case .array(let list) = value, !list.isEmpty else { throw CertificateError("'layers' must be a non-empty list") }
        var out: [CouplingPair] = []
        for (k, layer) in list.enumerated() {
            guard case .object = layer else { throw CertificateError("layers[\(k)] is not an object") }
            let name = "layers[\(k)]"
            out.append(
                CouplingPair(
                    A: try rationalMatrix(layer["A"], rows: d, columns: d, field: name + ".A", binary64: binary64),
                    B: try vector(layer["B"], count: d, field: name + ".B", binary64: binary64),
                    C: try vector(layer["C"], count: d, field: name + ".C", binary64: binary64),
                    D: try rationalMatrix(layer["D"], rows: d, columns: d, field: name + ".D", binary64: binary64)))
        }
        return out
    }

    static func witness(_ value: StrictJSON.Value?, d: Int) throws(CertificateError) -> NotInK2Witness {
        guard let w = value, case .object = w, let type = string(w["type"]) else {
            throw CertificateError("missing 'witness' object with a 'type'")
        }
        let rowsOfM = d * (d - 1)
        // These need T⁻¹ (or V = (T⁻¹)22): refused before T is inverted.
        if ["principal-minors", "principal-minors-monomial", "charpoly-positivstellensatz", "full-system-ideal", "monomial-cycles"]
            .contains(type),
            d > LowerBounds.maximumInverseD
        {
            throw CertificateError(
                "witness \(type) needs T⁻¹: d = \(d) exceeds the work budget (d <= \(LowerBounds.maximumInverseD))")
        }
        switch type {
        case "principal-minors":
            let j = try minorOrder(w["j"], d: d)
            guard let sign = string(w["sign"]).flatMap(MinorSign.init(rawValue:)) else {
                throw CertificateError("witness.sign must be \"+\" or \"-\"")
            }
            return .principalMinors(j: j, sign: sign)
        case "principal-minors-monomial":
            let j = try minorOrder(w["j"], d: d)
            guard let zero = string(w["zero"]).flatMap(MinorBlock.init(rawValue:)) else {
                throw CertificateError("witness.zero must be \"T11\" or \"V\"")
            }
            return .principalMinorsMonomial(j: j, zero: zero)
        case "t11-zero-signed":
            guard let k = integer(w["k"]), k >= 0, k < d else { throw CertificateError("witness.k must be a column index 0..d-1") }
            return .t11ZeroSigned(k: k, y: try vector(w["y"], count: rowsOfM, field: "witness.y", binary64: false))
        case "t11-zero-positive":
            return .t11ZeroPositive(
                y: try vector(w["y"], count: rowsOfM, field: "witness.y", binary64: false),
                u: try vector(w["u"], count: d, field: "witness.u", binary64: false),
                w: try vector(w["w"], count: d, field: "witness.w", binary64: false))
        case "charpoly-positivstellensatz":
            return .charPolyPositivstellensatz(terms: try positivstellensatzTerms(w["terms"], d: d))
        case "full-system-ideal":
            guard let conclusion = string(w["conclusion"]).flatMap(FullSystemIdeal.Conclusion.init(rawValue:)) else {
                throw CertificateError("witness.conclusion must be \"monomial\" or \"positive-coefficients\"")
            }
            return .fullSystemIdeal(conclusion: conclusion, cofactors: try idealCofactors(w["cofactors"], d: d))
        case "monomial-cycles":
            return .monomialCycles
        default:
            throw CertificateError("unknown witness type '\(type)'")
        }
    }

    /// `[j, [exponents], "coefficient"]` triples (format §6.5), refused
    /// over the check budget before any determinant is computed.
    static func positivstellensatzTerms(_ value: StrictJSON.Value?, d: Int) throws(CertificateError) -> [PositivstellensatzTerm] {
        guard case .array(let list) = value, !list.isEmpty, list.count <= CharPolyPositivstellensatz.maximumTerms else {
            throw CertificateError("witness.terms must be a list of 1 to \(CharPolyPositivstellensatz.maximumTerms) terms")
        }
        var terms: [PositivstellensatzTerm] = []
        for (k, item) in list.enumerated() {
            let field = "witness.terms[\(k)]"
            guard case .array(let parts) = item, parts.count == 3, let j = integer(parts[0]), case .array(let e) = parts[1],
                e.count == 2 * d
            else { throw CertificateError("\(field) must be [j, [\(2 * d) exponents], \"coefficient\"]") }
            var exponents: [Int] = []
            for x in e {
                guard let k = integer(x), k >= 0, k <= CharPolyPositivstellensatz.maximumTermDegree else {
                    throw CertificateError("\(field): exponents must be integers from 0 to \(CharPolyPositivstellensatz.maximumTermDegree)")
                }
                exponents.append(k)
            }
            terms.append(
                PositivstellensatzTerm(j: j, exponents: exponents, coefficient: try rational(parts[2], field: field, binary64: false)))
        }
        if let violation = CharPolyPositivstellensatz.budgetViolation(terms, d: d) {
            throw CertificateError("charpoly-positivstellensatz: \(violation)")
        }
        return terms
    }

    /// `[k, [[v, e], ...], "coefficient"]` triples (format §6.8), refused
    /// over the check budget before `T` is inverted.
    static func idealCofactors(_ value: StrictJSON.Value?, d: Int) throws(CertificateError) -> [IdealCofactorTerm] {
        guard case .array(let list) = value, !list.isEmpty, list.count <= FullSystemIdeal.maximumTerms else {
            throw CertificateError("witness.cofactors must be a list of 1 to \(FullSystemIdeal.maximumTerms) terms")
        }
        var terms: [IdealCofactorTerm] = []
        for (k, item) in list.enumerated() {
            let field = "witness.cofactors[\(k)]"
            // A monomial has at most one pair per variable: longer lists are refused unread.
            guard case .array(let parts) = item, parts.count == 3, let equation = integer(parts[0]), case .array(let pairs) = parts[1],
                pairs.count <= FullSystemIdeal.variableCount(d: d)
            else { throw CertificateError("\(field) must be [k, [[v, e], ...], \"coefficient\"]") }
            var factors: [SparseMonomial.Factor] = []
            for pair in pairs {
                guard case .array(let ve) = pair, ve.count == 2, let v = integer(ve[0]), let e = integer(ve[1]) else {
                    throw CertificateError("\(field): a monomial is a list of [variable, exponent] integer pairs")
                }
                factors.append(SparseMonomial.Factor(variable: v, exponent: e))
            }
            terms.append(
                IdealCofactorTerm(
                    equation: equation, monomial: SparseMonomial(factors),
                    coefficient: try rational(parts[2], field: field, binary64: false)))
        }
        if let violation = FullSystemIdeal.budgetViolation(terms, d: d) {
            throw CertificateError("full-system-ideal: \(violation)")
        }
        return terms
    }

    /// A membership object (format §7.1, §7.2); the size budget is checked
    /// before the large arrays are read.
    static func membership(_ value: StrictJSON.Value, d: Int) throws(CertificateError) -> DepthTwoMembership {
        guard case .object = value else { throw CertificateError("membership must be an object") }
        switch string(value["type"]) {
        case "krawczyk-intertwiner": return .intertwiner(try intertwiner(value, d: d))
        case "krawczyk-full-system": return .fullSystem(try fullSystem(value, d: d))
        default: throw CertificateError("membership.type must be \"krawczyk-intertwiner\" or \"krawczyk-full-system\"")
        }
    }

    static func fullSystem(_ value: StrictJSON.Value, d: Int) throws(CertificateError) -> FullSystemMembership {
        guard d <= FullSystemMembership.maximumD else {
            throw CertificateError("membership: d = \(d) exceeds the work budget (d <= \(FullSystemMembership.maximumD))")
        }
        let n = 2 * d * d, m = n - 2 * d
        return FullSystemMembership(
            fixed: try gauge(value["fixed"], count: 2 * d, below: n),
            center: try vector(value["center"], count: n, field: "membership.center", binary64: false),
            radius: try rational(value["radius"], field: "membership.radius", binary64: false),
            preconditioner: try rationalMatrix(
                value["preconditioner"], rows: m, columns: m, field: "membership.preconditioner", binary64: false))
    }

    /// `membership.fixed`: `count` integers in `0..<below` (order and
    /// distinctness are the membership check's).
    static func gauge(_ value: StrictJSON.Value?, count: Int, below n: Int) throws(CertificateError) -> [Int] {
        guard case .array(let list) = value, list.count == count else {
            throw CertificateError("membership.fixed must be a list of \(count) integers")
        }
        var fixed: [Int] = []
        for x in list {
            guard let k = integer(x), k >= 0, k < n else {
                throw CertificateError("membership.fixed: entries must be integers in 0..<\(n)")
            }
            fixed.append(k)
        }
        return fixed
    }

    static func intertwiner(_ value: StrictJSON.Value, d: Int) throws(CertificateError) -> IntertwinerMembership {
        guard d <= IntertwinerMembership.maximumD else {
            throw CertificateError("membership: d = \(d) exceeds the work budget (d <= \(IntertwinerMembership.maximumD))")
        }
        let n = d * d + 2 * d
        return IntertwinerMembership(
            fixed: try gauge(value["fixed"], count: 2 * d, below: n),
            center: try vector(value["center"], count: n, field: "membership.center", binary64: false),
            radius: try rational(value["radius"], field: "membership.radius", binary64: false),
            preconditioner: try rationalMatrix(
                value["preconditioner"], rows: d * d, columns: d * d, field: "membership.preconditioner", binary64: false),
            pInverse: try rationalMatrix(value["pInverse"], rows: d, columns: d, field: "membership.pInverse", binary64: false))
    }

    /// `witness.j`, with `1 <= j < d` and `C(d, j)` within the work budget.
    static func minorOrder(_ value: StrictJSON.Value?, d: Int) throws(CertificateError) -> Int {
        guard let j = integer(value), j >= 1, j < d else { throw CertificateError("witness.j must satisfy 1 <= j < d") }
        guard LowerBounds.minorCount(d, j) <= LowerBounds.maximumMinorCount else {
            throw CertificateError(
                "witness.j = \(j) needs C(\(d), \(j)) > \(LowerBounds.maximumMinorCount) principal minors, over the work budget")
        }
        return j
    }
}
