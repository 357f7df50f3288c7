import CouplingLayers
import ExactLinearAlgebra
import FileIO

extension Certificate {
    /// The certificate as JSON text, byte-for-byte deterministic: fixed key
    /// order, one matrix row per line, canonical numbers, trailing newline.
    public var jsonText: String {
        var fields: [(String, String)] = [
            ("format", quoted("flowproof-certificate")),
            ("version", "1"),
            ("claim", quoted(claim.name)),
        ]
        switch claim {
        case .exactFactorization, .depth, .depthTwoMembership: fields.append(("arithmetic", quoted("exact")))
        case .binary64Factorization: fields.append(("arithmetic", quoted("binary64")))
        case .notInK2: break
        }
        fields.append(("regime", quoted(regime.rawValue)))
        fields.append(("d", String(d)))
        fields.append(("matrix", matrixJSON(matrix, indent: "  ", number: \.description)))
        switch claim {
        case .exactFactorization(let layers):
            fields.append(("layers", layersJSON(layers, number: \.description)))
        case .binary64Factorization(let layers, let bound):
            fields.append(("layers", layersJSON(layers, number: binary64Text)))
            fields.append(("residual", "{\"norm\": \"frobenius\", \"bound\": \(quoted(bound.description))}"))
        case .notInK2(let witness):
            fields.append(("witness", witnessJSON(witness)))
        case .depth(let layers, let witness):
            fields.append(("depth", String(layers.count)))
            fields.append(("layers", layersJSON(layers, number: \.description)))
            if let witness { fields.append(("witness", witnessJSON(witness))) }
        case .depthTwoMembership(let proof):
            fields.append(("depth", "2"))
            fields.append(("membership", membershipJSON(proof)))
        }
        for (key, value) in provenance?.fields ?? [] { fields.append((key, quoted(value))) }
        return "{\n" + fields.map { "  \(quoted($0.0)): \($0.1)" }.joined(separator: ",\n") + "\n}\n"
    }
}

private func quoted(_ s: String) -> String {
    // Numbers, most of a certificate's text, need no escapes: copied whole
    // rather than scalar by scalar (16% of `decompose --out` at d = 48).
    guard s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return "\"" + s + "\"" }
    var out = "\""
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        default:
            if scalar.value < 0x20 {
                out += "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count) + String(scalar.value, radix: 16)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

private func vectorJSON(_ v: [Rational], number: (Rational) -> String) -> String {
    "[" + v.map { quoted(number($0)) }.joined(separator: ", ") + "]"
}

private func matrixJSON(_ m: RationalMatrix, indent: String, number: (Rational) -> String) -> String {
    "[\n" + m.rowArrays.map { indent + "  " + vectorJSON($0, number: number) }.joined(separator: ",\n") + "\n" + indent + "]"
}

private func layersJSON(_ layers: [CouplingPair], number: (Rational) -> String) -> String {
    let items = layers.map { layer in
        "    {\n      \"A\": \(matrixJSON(layer.A, indent: "      ", number: number)),\n"
            + "      \"B\": \(vectorJSON(layer.B, number: number)),\n"
            + "      \"C\": \(vectorJSON(layer.C, number: number)),\n"
            + "      \"D\": \(matrixJSON(layer.D, indent: "      ", number: number))\n    }"
    }
    return "[\n" + items.joined(separator: ",\n") + "\n  ]"
}

private func membershipJSON(_ membership: DepthTwoMembership) -> String {
    switch membership {
    case .intertwiner(let p):
        return membershipJSON(type: membership.typeName, fixed: p.fixed, center: p.center, radius: p.radius, p.preconditioner)
            + ",\n    \"pInverse\": \(matrixJSON(p.pInverse, indent: "    ", number: \.description))\n  }"
    case .fullSystem(let p):
        return membershipJSON(type: membership.typeName, fixed: p.fixed, center: p.center, radius: p.radius, p.preconditioner)
            + "\n  }"
    }
}

/// The fields both membership types share, in format order (§7.1, §7.2).
private func membershipJSON(type: String, fixed: [Int], center: [Rational], radius: Rational, _ preconditioner: RationalMatrix)
    -> String
{
    "{\n    \"type\": \(quoted(type)),\n"
        + "    \"fixed\": [\(fixed.map(String.init).joined(separator: ", "))],\n"
        + "    \"center\": \(vectorJSON(center, number: \.description)),\n"
        + "    \"radius\": \(quoted(radius.description)),\n"
        + "    \"preconditioner\": \(matrixJSON(preconditioner, indent: "    ", number: \.description))"
}

private func witnessJSON(_ w: NotInK2Witness) -> String {
    let body: String
    switch w {
    case .principalMinors(let j, let sign):
        body = "\"j\": \(j), \"sign\": \(quoted(sign.rawValue))"
    case .principalMinorsMonomial(let j, let zero):
        body = "\"j\": \(j), \"zero\": \(quoted(zero.rawValue))"
    case .monomialCycles:
        body = ""
    case .t11ZeroSigned(let k, let y):
        body = "\"k\": \(k), \"y\": \(vectorJSON(y, number: \.description))"
    case .t11ZeroPositive(let y, let u, let w):
        body =
            "\"y\": \(vectorJSON(y, number: \.description)), \"u\": \(vectorJSON(u, number: \.description)), \"w\": \(vectorJSON(w, number: \.description))"
    case .charPolyPositivstellensatz(let terms):
        let list = terms.map {
            "[\($0.j), [\($0.exponents.map(String.init).joined(separator: ", "))], \(quoted($0.coefficient.description))]"
        }
        body = "\"terms\": [\n      " + list.joined(separator: ",\n      ") + "\n    ]"
    case .fullSystemIdeal(let conclusion, let cofactors):
        let list = cofactors.map { term in
            let monomial = term.monomial.factors.map { "[\($0.variable), \($0.exponent)]" }.joined(separator: ", ")
            return "[\(term.equation), [\(monomial)], \(quoted(term.coefficient.description))]"
        }
        body = "\"conclusion\": \(quoted(conclusion.rawValue)), \"cofactors\": [\n      " + list.joined(separator: ",\n      ") + "\n    ]"
    }
    return body.isEmpty ? "{\"type\": \(quoted(w.typeName))}" : "{\"type\": \(quoted(w.typeName)), \(body)}"
}

/// Layer entries of binary64 certificates are written in C99 `%a` form.
private func binary64Text(_ x: Rational) -> String {
    x.doubleValue.hexFloatDescription
}

extension Certificate {
    /// Writes `jsonText` atomically (`AtomicFile`).
    public func write(to path: String) throws(OutputFileError) { try AtomicFile.write(jsonText, to: path) }
}
