import CGMP

/// Why a number token could not be read.
public enum NumberSyntaxError: Error, Equatable, CustomStringConvertible {
    case empty
    case invalid(String)
    case zeroDenominator(String)
    case exponentOutOfRange(String)

    public var description: String {
        switch self {
        case .empty: return "empty number"
        case .invalid(let t): return "not a number: \(quoted(t)) (expected an integer, p/q, a decimal or scientific number)"
        case .zeroDenominator(let t): return "zero denominator in \(quoted(t))"
        case .exponentOutOfRange(let t):
            return
                "exponent out of range in \(quoted(t)) (|exponent| <= \(Rational.maximumDecimalExponent), digits after the point included)"
        }
    }
}

/// `'text'` for an error message, shortened to its first 40 characters and
/// its length when longer: a one-line message must not carry a megabyte token.
func quoted<S: StringProtocol>(_ text: S) -> String {
    let count = text.count
    return count <= 40 ? "'\(text)'" : "'\(text.prefix(40))…' (\(count) characters)"
}

extension Rational {
    /// Decimal exponents beyond this are refused: `1e999999999` would take
    /// minutes and gigabytes to expand exactly.
    public static let maximumDecimalExponent = 100_000

    /// Reads an input number exactly: `7`, `-3/4`, `-0.125`, `3e-2`, `.5E+3`.
    ///
    /// Decimals and scientific notation are converted to the exact rational
    /// they denote (`0.1` is `1/10`, not the nearest binary64 value).
    public init<S: StringProtocol>(parsing token: S) throws(NumberSyntaxError) {
        let text = String(token)
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw .empty }
        var i = 0
        var negative = false
        if bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        func digits(from start: Int) -> Int {
            var j = start
            while j < bytes.count, bytes[j] >= 48, bytes[j] <= 57 { j += 1 }
            return j
        }
        let intEnd = digits(from: i)
        let intDigits = String(decoding: bytes[i..<intEnd], as: UTF8.self)
        if intEnd < bytes.count, bytes[intEnd] == UInt8(ascii: "/") {
            let denEnd = digits(from: intEnd + 1)
            guard !intDigits.isEmpty, denEnd == bytes.count, denEnd > intEnd + 1 else { throw .invalid(text) }
            let denDigits = String(decoding: bytes[(intEnd + 1)..<denEnd], as: UTF8.self)
            guard denDigits.contains(where: { $0 != "0" }) else { throw .zeroDenominator(text) }
            self = Rational.fromDigits(intDigits, negative: negative, over: denDigits)
            return
        }
        var j = intEnd
        var fracDigits = ""
        if j < bytes.count, bytes[j] == UInt8(ascii: ".") {
            let fracEnd = digits(from: j + 1)
            fracDigits = String(decoding: bytes[(j + 1)..<fracEnd], as: UTF8.self)
            j = fracEnd
        }
        guard !(intDigits.isEmpty && fracDigits.isEmpty) else { throw .invalid(text) }
        var exponent = 0
        if j < bytes.count, bytes[j] == UInt8(ascii: "e") || bytes[j] == UInt8(ascii: "E") {
            var k = j + 1
            var expNegative = false
            if k < bytes.count, bytes[k] == UInt8(ascii: "+") || bytes[k] == UInt8(ascii: "-") {
                expNegative = bytes[k] == UInt8(ascii: "-")
                k += 1
            }
            let expEnd = digits(from: k)
            guard expEnd > k else { throw .invalid(text) }
            let expDigits = bytes[k..<expEnd].drop(while: { $0 == 48 })
            guard expDigits.count <= 7 else { throw .exponentOutOfRange(text) }
            exponent = expDigits.reduce(0) { $0 * 10 + Int($1 - 48) }
            if expNegative { exponent = -exponent }
            j = expEnd
        }
        guard j == bytes.count else { throw .invalid(text) }
        exponent -= fracDigits.count
        guard abs(exponent) <= Rational.maximumDecimalExponent else { throw .exponentOutOfRange(text) }
        let mantissa = Rational.fromDigits(intDigits + fracDigits, negative: negative, over: "1")
        if exponent == 0 || mantissa.isZero {
            self = mantissa
        } else {
            let scale = Rational.make { p in
                __gmpz_ui_pow_ui(&p.pointee._mp_num, 10, UInt(abs(exponent)))
                __gmpz_set_ui(&p.pointee._mp_den, 1)
            }
            self = exponent > 0 ? mantissa * scale : mantissa / scale
        }
    }

    /// Reads the canonical certificate form `-?[0-9]+(/[0-9]+)?` in lowest
    /// terms with no `/1`, no leading zeros and no `-0`; `nil` otherwise.
    public init?(canonical text: String) {
        guard text.utf8.allSatisfy({ (48...57).contains($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "/") }),
            let value = try? Rational(parsing: text), value.description == text
        else { return nil }
        self = value
    }

    /// Reads a C99 hexadecimal float (`0x1.8p+1`, `-0x0p+0`) that denotes a
    /// binary64 value; `nil` if malformed or not exactly representable.
    public init?(hexFloat text: String) {
        var body = Substring(text)
        var negative = false
        if body.first == "-" { negative = true; body = body.dropFirst() }
        guard body.hasPrefix("0x") || body.hasPrefix("0X") else { return nil }
        body = body.dropFirst(2)
        guard let pIndex = body.firstIndex(where: { $0 == "p" || $0 == "P" }) else { return nil }
        let mantissaText = body[..<pIndex]
        let exponentText = body[body.index(after: pIndex)...]
        let parts = mantissaText.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let intPart = parts.first, !intPart.isEmpty else { return nil }
        let fracPart = parts.count == 2 ? parts[1] : ""
        let hexDigits = String(intPart) + String(fracPart)
        guard hexDigits.count <= 40, hexDigits.allSatisfy({ $0.isHexDigit }) else { return nil }
        var expBody = exponentText
        var expNegative = false
        if expBody.first == "+" || expBody.first == "-" { expNegative = expBody.first == "-"; expBody = expBody.dropFirst() }
        guard !expBody.isEmpty, expBody.count <= 5, expBody.allSatisfy({ $0.isASCII && $0.isNumber }),
            let e = Int(expBody)
        else { return nil }
        let exponent = (expNegative ? -e : e) - 4 * fracPart.count
        let mantissa = Rational.make { p in
            _ = __gmpz_set_str(&p.pointee._mp_num, hexDigits, 16)
            __gmpz_set_ui(&p.pointee._mp_den, 1)
        }
        var value = mantissa * Rational.powerOfTwo(exponent)
        if negative { value = -value }
        guard let asDouble = Double(text), asDouble.isFinite,
            let exact = Rational(exactly: asDouble), exact == value
        else { return nil }
        self = value
    }

    static func fromDigits(_ numerator: String, negative: Bool, over denominator: String) -> Rational {
        make { p in
            _ = __gmpz_set_str(&p.pointee._mp_num, numerator.isEmpty ? "0" : numerator, 10)
            _ = __gmpz_set_str(&p.pointee._mp_den, denominator, 10)
            __gmpq_canonicalize(p)
            if negative { __gmpq_neg(p, p) }
        }
    }
}

extension Double {
    /// C99 `%a` form with lowercase digits, e.g. `0x1.8p+1`, `-0x0p+0`.
    public var hexFloatDescription: String {
        if self == 0 { return sign == .minus ? "-0x0p+0" : "0x0p+0" }
        precondition(isFinite, "hex form of a non-finite value")
        let negative = sign == .minus
        let magnitude = Swift.abs(self)
        let significand = magnitude.significandBitPattern
        var exponent = Int(magnitude.exponent)
        var lead = "1"
        if magnitude.isSubnormal {
            lead = "0"
            exponent = Int(Double.leastNormalMagnitude.exponent)
        }
        var hex = ""
        if significand != 0 {
            // 52 fraction bits = 13 hex digits; strip trailing zeros.
            hex = String(significand, radix: 16)
            hex = String(repeating: "0", count: 13 - hex.count) + hex
            while hex.hasSuffix("0") { hex.removeLast() }
        }
        let fraction = hex.isEmpty ? "" : "." + hex
        let expText = exponent >= 0 ? "+\(exponent)" : "\(exponent)"
        return (negative ? "-" : "") + "0x" + lead + fraction + "p" + expText
    }
}
