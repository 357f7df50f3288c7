import Foundation

/// RFC 8259 JSON, strictly: no trailing commas, comments, `NaN` or
/// `Infinity`, no duplicate keys, valid UTF-8, and a nesting limit.
///
/// Foundation's `JSONSerialization` accepts trailing commas and keeps the
/// last of duplicate keys, so a certificate could say one thing to this
/// verifier and another to a checker that keeps the first key. A parser of
/// our own makes "what the file says" unambiguous. Numbers keep their text:
/// the reader decides which fields may be integers.
public enum StrictJSON {
    public indirect enum Value: Equatable, Sendable {
        case object([(key: String, value: Value)])
        case array([Value])
        case string(String)
        /// A JSON number's text; `isInteger` when it has no fraction or exponent.
        case number(text: String, isInteger: Bool)
        case bool(Bool)
        case null

        public static func == (a: Value, b: Value) -> Bool {
            switch (a, b) {
            case (.object(let x), .object(let y)):
                return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
            case (.array(let x), .array(let y)): return x == y
            case (.string(let x), .string(let y)): return x == y
            case (.number(let x, _), .number(let y, _)): return x == y
            case (.bool(let x), .bool(let y)): return x == y
            case (.null, .null): return true
            default: return false
            }
        }

        /// The member named `key` of an object (keys are unique).
        public subscript(key: String) -> Value? {
            guard case .object(let members) = self else { return nil }
            return members.first { $0.key == key }?.value
        }
    }

    /// Deeper nesting is rejected before recursing (certificates need 4 levels).
    public static let maximumDepth = 32

    public struct SyntaxError: Error, Equatable, CustomStringConvertible {
        public let offset: Int
        public let message: String
        public var description: String { "invalid JSON at byte \(offset): \(message)" }
    }

    public static func parse(_ data: Data) throws(SyntaxError) -> Value {
        var parser = Parser(bytes: [UInt8](data))
        parser.skipWhitespace()
        let value = try parser.value(depth: 1)
        parser.skipWhitespace()
        guard parser.position == parser.bytes.count else { throw parser.error("text after the top-level value") }
        return value
    }

    private struct Parser {
        let bytes: [UInt8]
        var position = 0

        func error(_ message: String) -> SyntaxError { SyntaxError(offset: position, message: message) }

        var current: UInt8? { position < bytes.count ? bytes[position] : nil }

        mutating func skipWhitespace() {
            while let c = current, c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { position += 1 }
        }

        mutating func expect(_ literal: String) throws(SyntaxError) {
            for byte in literal.utf8 {
                guard current == byte else { throw error("expected '\(literal)'") }
                position += 1
            }
        }

        mutating func value(depth: Int) throws(SyntaxError) -> Value {
            guard let c = current else { throw error("unexpected end of input") }
            switch c {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard depth <= StrictJSON.maximumDepth else {
                    throw error("nesting deeper than \(StrictJSON.maximumDepth) levels")
                }
                return c == UInt8(ascii: "{") ? try object(depth: depth) : try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try expect("true"); return .bool(true)
            case UInt8(ascii: "f"): try expect("false"); return .bool(false)
            case UInt8(ascii: "n"): try expect("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
            default: throw error("unexpected character")
            }
        }

        mutating func object(depth: Int) throws(SyntaxError) -> Value {
            position += 1
            var members: [(key: String, value: Value)] = []
            var keys = Set<String>()
            skipWhitespace()
            if current == UInt8(ascii: "}") { position += 1; return .object(members) }
            while true {
                skipWhitespace()
                guard current == UInt8(ascii: "\"") else { throw error("expected a string key") }
                let keyStart = position
                let key = try string()
                guard keys.insert(key).inserted else {
                    throw SyntaxError(offset: keyStart, message: "duplicate key \"\(key)\"")
                }
                skipWhitespace()
                try expect(":")
                skipWhitespace()
                members.append((key, try value(depth: depth + 1)))
                skipWhitespace()
                if current == UInt8(ascii: ",") { position += 1; continue }
                try expect("}")
                return .object(members)
            }
        }

        mutating func array(depth: Int) throws(SyntaxError) -> Value {
            position += 1
            var items: [Value] = []
            skipWhitespace()
            if current == UInt8(ascii: "]") { position += 1; return .array(items) }
            while true {
                skipWhitespace()
                items.append(try value(depth: depth + 1))
                skipWhitespace()
                if current == UInt8(ascii: ",") { position += 1; continue }
                try expect("]")
                return .array(items)
            }
        }

        mutating func number() throws(SyntaxError) -> Value {
            let start = position
            func digits(_ p: inout Parser) -> Int {
                let s = p.position
                while let c = p.current, c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") { p.position += 1 }
                return p.position - s
            }
            if current == UInt8(ascii: "-") { position += 1 }
            if current == UInt8(ascii: "0") {
                position += 1
            } else {
                guard digits(&self) > 0 else { throw error("expected a digit") }
            }
            var isInteger = true
            if current == UInt8(ascii: ".") {
                position += 1
                isInteger = false
                guard digits(&self) > 0 else { throw error("expected a digit after '.'") }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                position += 1
                isInteger = false
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
                guard digits(&self) > 0 else { throw error("expected a digit in the exponent") }
            }
            return .number(text: String(decoding: bytes[start..<position], as: UTF8.self), isInteger: isInteger)
        }

        mutating func string() throws(SyntaxError) -> String {
            position += 1
            var out: [UInt8] = []
            while true {
                guard let c = current else { throw error("unterminated string") }
                switch c {
                case UInt8(ascii: "\""):
                    position += 1
                    guard let text = String(validating: out, as: UTF8.self) else { throw error("string is not valid UTF-8") }
                    return text
                case UInt8(ascii: "\\"):
                    position += 1
                    guard let e = current else { throw error("unterminated escape") }
                    position += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                    case UInt8(ascii: "b"): out.append(0x08)
                    case UInt8(ascii: "f"): out.append(0x0C)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"): out.append(contentsOf: try unicodeEscape())
                    default: throw error("invalid escape")
                    }
                case 0..<0x20:
                    throw error("control character in string")
                default:
                    out.append(c)
                    position += 1
                }
            }
        }

        /// `\uXXXX`, with surrogate pairs joined; a lone surrogate is an error.
        mutating func unicodeEscape() throws(SyntaxError) -> [UInt8] {
            var code = try hex4()
            if (0xD800..<0xDC00).contains(code) {
                guard current == UInt8(ascii: "\\") else { throw error("lone surrogate") }
                position += 1
                guard current == UInt8(ascii: "u") else { throw error("lone surrogate") }
                position += 1
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw error("lone surrogate") }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(code) {
                throw error("lone surrogate")
            }
            return Array(String(Character(Unicode.Scalar(code)!)).utf8)
        }

        mutating func hex4() throws(SyntaxError) -> UInt32 {
            var code: UInt32 = 0
            for _ in 0..<4 {
                guard let c = current, let digit = Character(Unicode.Scalar(c)).hexDigitValue else {
                    throw error("expected four hex digits after \\u")
                }
                code = code * 16 + UInt32(digit)
                position += 1
            }
            return code
        }
    }
}
