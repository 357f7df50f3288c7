import CouplingLayers
import ExactLinearAlgebra
import Foundation

/// Why a certificate was rejected: malformed, non-canonical, of the wrong
/// shape, violating its regime, or making a false claim.
public struct CertificateError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Strict parsing of version-1 certificates: every number must be canonical
/// and every block must have the shape `d` implies.
public enum CertificateReader {
    public static func parse(data: Data) throws(CertificateError) -> Certificate {
        guard !data.isEmpty else { throw CertificateError("empty file") }
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw CertificateError("not valid JSON")
        }
        guard let root = object as? [String: Any] else { throw CertificateError("top level is not a JSON object") }
        guard root["format"] as? String == "flowproof-certificate" else {
            throw CertificateError("field 'format' must be \"flowproof-certificate\"")
        }
        guard let version = integer(root["version"]), version == 1 else {
            throw CertificateError("unsupported or missing 'version' (this checker reads version 1)")
        }
        guard let regimeName = root["regime"] as? String, let regime = Regime(rawValue: regimeName) else {
            throw CertificateError("field 'regime' must be \"positive\" or \"signed\"")
        }
        guard let d = integer(root["d"]), d >= 1, d <= 1 << 13 else { throw CertificateError("field 'd' must be an integer from 1 to 8192") }
        let matrix = try rationalMatrix(root["matrix"], rows: 2 * d, columns: 2 * d, field: "matrix", allowHex: false)
        guard let claimName = root["claim"] as? String else { throw CertificateError("missing 'claim'") }
        let claim: Claim
        switch claimName {
        case "factorization":
            switch root["arithmetic"] as? String {
            case "exact":
                claim = .exactFactorization(layers: try layers(root["layers"], d: d, allowHex: false))
            case "binary64":
                let parsed = try layers(root["layers"], d: d, allowHex: true)
                guard let residual = root["residual"] as? [String: Any], residual["norm"] as? String == "frobenius" else {
                    throw CertificateError("binary64 factorization needs residual {\"norm\": \"frobenius\", \"bound\": r}")
                }
                let bound = try rational(residual["bound"], field: "residual.bound", allowHex: false)
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
            if let arithmetic = root["arithmetic"], arithmetic as? String != "exact" {
                throw CertificateError("a depth certificate needs exact arithmetic")
            }
            let parsed = try layers(root["layers"], d: d, allowHex: false)
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

    /// JSON integers only: not strings, booleans (`objCType` "c") or
    /// numbers written with a fraction or exponent (`objCType` "d").
    static func integer(_ value: Any?) -> Int? {
        guard let number = value as? NSNumber,
              ["s", "i", "l", "q", "S", "I", "L", "Q"].contains(String(cString: number.objCType)) else { return nil }
        return number.intValue
    }

    static func rational(_ value: Any?, field: String, allowHex: Bool) throws(CertificateError) -> Rational {
        guard let text = value as? String else { throw CertificateError("\(field): numbers must be JSON strings") }
        if let r = Rational(canonical: text) { return r }
        if allowHex, text.contains("x") || text.contains("X") {
            if let r = Rational(hexFloat: text) { return r }
            throw CertificateError("\(field): '\(text)' is not a hexadecimal float denoting a binary64 value")
        }
        throw CertificateError("\(field): '\(text)' is not a canonical rational (-?[0-9]+(/[0-9]+)? in lowest terms, no /1)")
    }

    static func vector(_ value: Any?, count: Int, field: String, allowHex: Bool) throws(CertificateError) -> [Rational] {
        guard let list = value as? [Any] else { throw CertificateError("\(field) must be a list") }
        guard list.count == count else { throw CertificateError("\(field) has \(list.count) entries, expected \(count)") }
        var out: [Rational] = []
        for (i, x) in list.enumerated() { out.append(try rational(x, field: "\(field)[\(i)]", allowHex: allowHex)) }
        return out
    }

    static func rationalMatrix(_ value: Any?, rows: Int, columns: Int, field: String, allowHex: Bool) throws(CertificateError) -> RationalMatrix {
        guard let list = value as? [Any] else { throw CertificateError("\(field) must be a list of rows") }
        guard list.count == rows else { throw CertificateError("\(field) has \(list.count) rows, expected \(rows)") }
        var entries: [Rational] = []
        for (i, row) in list.enumerated() {
            entries += try vector(row, count: columns, field: "\(field)[\(i)]", allowHex: allowHex)
        }
        return RationalMatrix(rows: rows, columns: columns, entries: entries)
    }

    static func layers(_ value: Any?, d: Int, allowHex: Bool) throws(CertificateError) -> [CouplingPair] {
        guard let list = value as? [Any], !list.isEmpty else { throw CertificateError("'layers' must be a non-empty list") }
        var out: [CouplingPair] = []
        for (k, item) in list.enumerated() {
            guard let layer = item as? [String: Any] else { throw CertificateError("layers[\(k)] is not an object") }
            let name = "layers[\(k)]"
            out.append(CouplingPair(
                A: try rationalMatrix(layer["A"], rows: d, columns: d, field: name + ".A", allowHex: allowHex),
                B: try vector(layer["B"], count: d, field: name + ".B", allowHex: allowHex),
                C: try vector(layer["C"], count: d, field: name + ".C", allowHex: allowHex),
                D: try rationalMatrix(layer["D"], rows: d, columns: d, field: name + ".D", allowHex: allowHex)))
        }
        return out
    }

    static func witness(_ value: Any?, d: Int) throws(CertificateError) -> NotInK2Witness {
        guard let w = value as? [String: Any], let type = w["type"] as? String else {
            throw CertificateError("missing 'witness' object with a 'type'")
        }
        let rowsOfM = d * (d - 1)
        switch type {
        case "principal-minors":
            guard let j = integer(w["j"]), j >= 1, j < d else { throw CertificateError("witness.j must satisfy 1 <= j < d") }
            guard let sign = w["sign"] as? String, sign == "+" || sign == "-" else {
                throw CertificateError("witness.sign must be \"+\" or \"-\"")
            }
            return .principalMinors(j: j, sign: sign)
        case "principal-minors-monomial":
            guard let j = integer(w["j"]), j >= 1, j < d else { throw CertificateError("witness.j must satisfy 1 <= j < d") }
            guard let zero = w["zero"] as? String, zero == "T11" || zero == "V" else {
                throw CertificateError("witness.zero must be \"T11\" or \"V\"")
            }
            return .principalMinorsMonomial(j: j, zero: zero)
        case "t11-zero-signed":
            guard let k = integer(w["k"]), k >= 0, k < d else { throw CertificateError("witness.k must be a column index 0..d-1") }
            return .t11ZeroSigned(k: k, y: try vector(w["y"], count: rowsOfM, field: "witness.y", allowHex: false))
        case "t11-zero-positive":
            return .t11ZeroPositive(
                y: try vector(w["y"], count: rowsOfM, field: "witness.y", allowHex: false),
                u: try vector(w["u"], count: d, field: "witness.u", allowHex: false),
                w: try vector(w["w"], count: d, field: "witness.w", allowHex: false))
        default:
            throw CertificateError("unknown witness type '\(type)'")
        }
    }
}
