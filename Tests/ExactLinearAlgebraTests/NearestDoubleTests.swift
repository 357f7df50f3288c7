import Foundation
import Testing
import ExactLinearAlgebra

@Suite struct NearestDoubleTests {
    @Test func roundsWhereTruncationDoesNot() throws {
        let tenth = Rational(1, 10)
        #expect(tenth.nearestDouble == 0.1)
        #expect(tenth.doubleValue == 0.1.nextDown)  // GMP truncates
        #expect((-tenth).nearestDouble == -0.1)
        #expect(Rational(2, 3).nearestDouble == 2.0 / 3.0)
        #expect(Rational.zero.nearestDouble == 0)
        #expect(Rational(7).nearestDouble == 7)
    }

    @Test func binary64ValuesAreExact() {
        var rng = SystemRandomNumberGenerator()
        let specials: [Double] = [
            1, -3, 0.1, .leastNonzeroMagnitude, -.leastNormalMagnitude, .greatestFiniteMagnitude,
            1 + .ulpOfOne, 2.5e-310, -Double.greatestFiniteMagnitude,
        ]
        let randoms = (0..<500).map { _ in Double(bitPattern: UInt64.random(in: 1...0x7FEF_FFFF_FFFF_FFFF, using: &rng)) }
        for x in specials + randoms {
            #expect(Rational(exactly: x)!.nearestDouble == x, "\(x)")
        }
    }

    /// The fast path: exactly the normal binary64 values (and zero), never a
    /// rounded one, e.g. not just below the normal range, where scaling would round.
    @Test func exactDoubleOnlyForNormalBinary64Values() {
        for x in [1, -3, 0.1, -.leastNormalMagnitude, .greatestFiniteMagnitude, 1 + .ulpOfOne, 0] {
            #expect(Rational(exactly: x)!.exactDouble == x, "\(x)")
        }
        #expect(Rational(1, 3).exactDouble == nil)
        #expect((Rational(exactly: 1.0)! + Rational.powerOfTwo(-53)).exactDouble == nil)  // 54 significant bits
        #expect(Rational(exactly: Double.leastNormalMagnitude / 4)!.exactDouble == nil)  // subnormal: the slow path
        // (2^53 − 1)·2^−1075 has 53 bits but lies below 2^−1022; scalbn would round it up to 2^−1022.
        #expect((Rational(Int(1 << 53) - 1) * Rational.powerOfTwo(-1075)).exactDouble == nil)
        #expect(Rational.powerOfTwo(1024).exactDouble == nil)
    }

    @Test func midpointsGoToEvenAndNeighboursToTheNearerSide() {
        var rng = SystemRandomNumberGenerator()
        let bases: [Double] = [
            1, 0.1, 3, 1e300, 1e-300, .leastNonzeroMagnitude, 3 * .leastNonzeroMagnitude,
            .leastNormalMagnitude.nextDown, .leastNormalMagnitude,
        ]
        let randoms = (0..<300).map { _ in Double(bitPattern: UInt64.random(in: 1...0x7FEF_FFFF_FFFF_FFFE, using: &rng)) }
        let tiny = Rational(1, 1 << 40)
        for x in bases + randoms {
            let y = x.nextUp
            let (rx, ry) = (Rational(exactly: x)!, Rational(exactly: y)!)
            let mid = (rx + ry) / Rational(2)
            let even = x.significandBitPattern & 1 == 0 ? x : y
            #expect(mid.nearestDouble == even, "midpoint of \(x) and \(y)")
            #expect((-mid).nearestDouble == -even)
            let nudge = (ry - rx) * tiny
            #expect((mid - nudge).nearestDouble == x, "just below the midpoint of \(x)")
            #expect((mid + nudge).nearestDouble == y, "just above the midpoint of \(x)")
        }
    }

    @Test func agreesWithCorrectlyRoundedDecimalParsing() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let digits = String((0..<Int.random(in: 1...40, using: &rng)).map { _ in "0123456789".randomElement(using: &rng)! })
            let exponent = Int.random(in: -340...320, using: &rng)
            let text = "\(Bool.random(using: &rng) ? "-" : "")\(digits)e\(exponent)"
            let expected = try #require(Double(text))  // strtod: correctly rounded
            #expect(try Rational(parsing: text).nearestDouble == expected, "\(text)")
        }
    }

    @Test func extremes() throws {
        let max = Rational(exactly: .greatestFiniteMagnitude)!
        let halfUlp = Rational.powerOfTwo(970)
        #expect((max + halfUlp - Rational(1)).nearestDouble == .greatestFiniteMagnitude)
        #expect((max + halfUlp).nearestDouble == .infinity)  // tie rounds to even: overflow
        #expect((-(max + halfUlp)).nearestDouble == -.infinity)
        #expect(Rational.powerOfTwo(5000).nearestDouble == .infinity)
        #expect(Rational.powerOfTwo(-1075).nearestDouble == 0)  // tie with 0: even
        #expect((Rational.powerOfTwo(-1075) + Rational.powerOfTwo(-1200)).nearestDouble == .leastNonzeroMagnitude)
        #expect(Rational.powerOfTwo(-5000).nearestDouble == 0)
    }
}
