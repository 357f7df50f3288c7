import CGMP
import Foundation

extension Rational {
    /// The value itself when it is a binary64 number in the normal range (or
    /// zero), else nil. A few word operations and no allocation: every entry
    /// of a float64 `.npy` takes this path (15 ms instead of 62 ms at d = 256).
    public var exactDouble: Double? {
        if isZero { return 0 }
        let p = storage.pointer
        let denominatorBits = Int(__gmpz_sizeinbase(&p.pointee._mp_den, 2))
        guard Int(__gmpz_scan1(&p.pointee._mp_den, 0)) == denominatorBits - 1 else { return nil }
        let numeratorBits = Int(__gmpz_sizeinbase(&p.pointee._mp_num, 2))
        // |x| lies in [2^(n−1−s), 2^(n−s)) with s = log2(den): normal and
        // finite for these n and s, so with at most 53 significant bits both
        // steps below are exact.
        guard numeratorBits <= 1024, numeratorBits - denominatorBits >= -1022,
            numeratorBits - Int(__gmpz_scan1(&p.pointee._mp_num, 0)) <= 53
        else { return nil }
        return Foundation.scalbn(__gmpz_get_d(&p.pointee._mp_num), -(denominatorBits - 1))
    }

    /// The binary64 value nearest to this rational, ties to even (IEEE 754
    /// round-to-nearest), unlike `doubleValue`, which truncates. Values at or
    /// beyond `Double.greatestFiniteMagnitude` plus half an ulp give `±infinity`;
    /// magnitudes at or below half of `Double.leastNonzeroMagnitude` give `±0`.
    ///
    /// ```swift
    /// Rational(1, 10).nearestDouble == 0.1   // true; doubleValue is one ulp below
    /// ```
    ///
    /// Computed exactly with GMP integers: with `e = ⌊log2 |x|⌋` (clamped to the
    /// normal range) the quotient `|x| / 2^(e-52)` is split into an integer `m`
    /// (at most 53 bits) and a remainder that decides the rounding of `m`.
    public var nearestDouble: Double {
        if let exact = exactDouble { return exact }
        let p = storage.pointer
        let negative = sign < 0
        let numerator = UnsafeMutablePointer<__mpz_struct>.allocate(capacity: 1)
        let denominator = UnsafeMutablePointer<__mpz_struct>.allocate(capacity: 1)
        let quotient = UnsafeMutablePointer<__mpz_struct>.allocate(capacity: 1)
        let remainder = UnsafeMutablePointer<__mpz_struct>.allocate(capacity: 1)
        for z in [numerator, denominator, quotient, remainder] { __gmpz_init(z) }
        defer {
            for z in [numerator, denominator, quotient, remainder] { __gmpz_clear(z); z.deallocate() }
        }
        __gmpz_abs(numerator, &p.pointee._mp_num)
        __gmpz_set(denominator, &p.pointee._mp_den)

        // ⌊log2 |x|⌋ is `bits(num) - bits(den)` or one less.
        var e = Int(__gmpz_sizeinbase(numerator, 2)) - Int(__gmpz_sizeinbase(denominator, 2))
        if e > 1100 { return negative ? -.infinity : .infinity }
        if e < -1200 { return negative ? -0.0 : 0 }
        if !Self.quotientAtLeastPowerOfTwo(numerator, denominator, e, scratch: quotient) { e -= 1 }

        // Scale so that the wanted significand is the integer part of num/den.
        let ulpExponent = max(e, -1022) - 52
        if ulpExponent < 0 {
            __gmpz_mul_2exp(numerator, numerator, UInt(-ulpExponent))
        } else {
            __gmpz_mul_2exp(denominator, denominator, UInt(ulpExponent))
        }
        __gmpz_tdiv_qr(quotient, remainder, numerator, denominator)
        // Round half to even: compare 2·remainder with the denominator.
        __gmpz_mul_2exp(remainder, remainder, 1)
        let comparison = __gmpz_cmp(remainder, denominator)
        var significand = UInt64(__gmpz_get_ui(quotient))  // < 2^53
        if comparison > 0 || (comparison == 0 && significand & 1 == 1) { significand += 1 }
        // `significand` (<= 2^53) is exact as a Double; scaling by a power of
        // two is exact in range and overflows to infinity beyond it.
        let magnitude = Double(sign: .plus, exponent: ulpExponent, significand: Double(significand))
        return negative ? -magnitude : magnitude
    }

    /// Whether `num / den >= 2^e` (`scratch` is overwritten).
    private static func quotientAtLeastPowerOfTwo(
        _ num: UnsafeMutablePointer<__mpz_struct>, _ den: UnsafeMutablePointer<__mpz_struct>, _ e: Int,
        scratch: UnsafeMutablePointer<__mpz_struct>
    ) -> Bool {
        if e >= 0 {
            __gmpz_mul_2exp(scratch, den, UInt(e))
            return __gmpz_cmp(num, scratch) >= 0
        } else {
            __gmpz_mul_2exp(scratch, num, UInt(-e))
            return __gmpz_cmp(scratch, den) >= 0
        }
    }
}

extension Rational {
    /// Whether the value is exactly a finite binary64 number (the entries
    /// of a binary64 certificate's layers must be).
    public var isBinary64: Bool {
        let x = nearestDouble
        return x.isFinite && Rational(exactly: x) == self
    }
}
