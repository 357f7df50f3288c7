import Testing
import ExactLinearAlgebra

@Suite struct RationalTests {
    @Test func canonicalPrinting() throws {
        #expect(Rational(-6, 8).description == "-3/4")
        #expect(Rational(14, 2).description == "7")
        #expect(Rational(0, -5).description == "0")
        #expect(Rational(3, -4).description == "-3/4")
    }

    @Test(arguments: [
        ("7", "7"), ("-3/4", "-3/4"), ("6/8", "3/4"), ("-0.125", "-1/8"), ("3e-2", "3/100"),
        (".5E+3", "500"), ("+2.50", "5/2"), ("1e0", "1"), ("0.1", "1/10"), ("-0", "0"), ("12e3", "12000"),
    ])
    func parsesInputNumbersExactly(token: String, expected: String) throws {
        #expect(try Rational(parsing: token).description == expected)
    }

    @Test(arguments: ["", "nan", "inf", "-inf", "1/0", "1/", "/2", "1.2.3", "e5", "1e", "0x10", "1/2/3", "--1", "1,5", "3/-4"])
    func rejectsMalformedNumbers(token: String) {
        #expect(throws: NumberSyntaxError.self) { try Rational(parsing: token) }
    }

    @Test func refusesHugeExponentsInsteadOfHanging() throws {
        #expect(throws: NumberSyntaxError.exponentOutOfRange("1e999999999")) { try Rational(parsing: "1e999999999") }
        #expect(try Rational(parsing: "1e-300").heightBits > 900)
    }

    @Test func canonicalFormIsStrict() {
        #expect(Rational(canonical: "-3/4") == Rational(-3, 4))
        for bad in ["6/8", "3/1", "007", "-0", "+3", "0.5", "1/0", "0/5", " 1", "1e3"] {
            #expect(Rational(canonical: bad) == nil, "accepted \(bad)")
        }
    }

    @Test func hexFloatsRoundTrip() {
        var rng = SystemRandomNumberGenerator()
        let specials: [Double] = [0, -0.0, 1, 3, 0.1, -2.5e-310, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1 + .ulpOfOne]
        let randoms = (0..<200).map { _ in Double(bitPattern: UInt64.random(in: 0...0x7FEF_FFFF_FFFF_FFFF, using: &rng)) }
        for x in specials + randoms {
            let text = x.hexFloatDescription
            #expect(Rational(hexFloat: text) == Rational(exactly: x), "\(x) -> \(text)")
            #expect(Double(text) == x)
        }
        #expect(Rational(hexFloat: "0x1.0000000000000001p+0") == nil)  // 60 bits: not binary64
        #expect(Rational(hexFloat: "0x1p+5000") == nil)
        #expect(Rational(hexFloat: "1.5") == nil)
    }

    @Test func arithmeticAndHeight() {
        let a = Rational(1, 3), b = Rational(-1, 6)
        #expect(a + b == Rational(1, 6))
        #expect(a * b == Rational(-1, 18))
        #expect(a / b == Rational(-2))
        var c = a
        c += b
        #expect(c == Rational(1, 6) && a == Rational(1, 3))  // value semantics
        #expect(Rational(255, 2).heightBits == 8)
        #expect(Rational(10).power(30).log2Magnitude > 99.6 && Rational(10).power(30).log2Magnitude < 99.7)
    }
}
