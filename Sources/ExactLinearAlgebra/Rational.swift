import CGMP
import Foundation

/// An exact rational number backed by GMP's `mpq_t`, always in lowest terms
/// with a positive denominator.
///
/// `Rational` is a value type: the GMP storage is shared between copies and
/// never mutated once shared, and it is freed when the last copy goes away.
///
/// ```swift
/// let x = try Rational(parsing: "-3/4")
/// let y = x * 2 + 1          // -1/2
/// print(y, y.heightBits)     // "-1/2 2"
/// ```
public struct Rational: Sendable {
    @usableFromInline
    final class Storage: @unchecked Sendable {
        let pointer: UnsafeMutablePointer<__mpq_struct>
        init() {
            pointer = .allocate(capacity: 1)
            __gmpq_init(pointer)
        }
        deinit {
            __gmpq_clear(pointer)
            pointer.deallocate()
        }
    }

    @usableFromInline var storage: Storage

    init(storage: Storage) { self.storage = storage }

    /// Builds a value by letting `body` write into fresh GMP storage.
    static func make(_ body: (UnsafeMutablePointer<__mpq_struct>) -> Void) -> Rational {
        let s = Storage()
        body(s.pointer)
        return Rational(storage: s)
    }

    /// Read-only access to the underlying `mpq_t` for kernels in this module.
    func withPointer<R>(_ body: (UnsafePointer<__mpq_struct>) throws -> R) rethrows -> R {
        try body(storage.pointer)
    }

    public init(_ value: Int) {
        storage = Storage()
        __gmpq_set_si(storage.pointer, value, 1)
    }

    /// The rational `numerator / denominator`; the denominator must be nonzero.
    public init(_ numerator: Int, _ denominator: Int) {
        precondition(denominator != 0, "zero denominator")
        storage = Storage()
        let negative = (numerator < 0) != (denominator < 0)
        __gmpq_set_ui(storage.pointer, numerator.magnitude, denominator.magnitude)
        __gmpq_canonicalize(storage.pointer)
        if negative { __gmpq_neg(storage.pointer, storage.pointer) }
    }

    /// The exact value of a finite binary64 number.
    public init?(exactly value: Double) {
        guard value.isFinite else { return nil }
        storage = Storage()
        __gmpq_set_d(storage.pointer, value)
    }

    public static let zero = Rational(0)
    public static let one = Rational(1)

    public var sign: Int {
        let size = storage.pointer.pointee._mp_num._mp_size
        return size < 0 ? -1 : (size > 0 ? 1 : 0)
    }
    public var isZero: Bool { storage.pointer.pointee._mp_num._mp_size == 0 }
    public var isInteger: Bool { __gmpz_cmp_ui(&storage.pointer.pointee._mp_den, 1) == 0 }

    /// The nearest binary64 value toward zero (GMP truncates); for display and
    /// floating-point starting points only.
    public var doubleValue: Double { __gmpq_get_d(storage.pointer) }

    /// Height in bits: the larger bit length of numerator and denominator.
    public var heightBits: Int {
        let p = storage.pointer
        let n = __gmpz_sizeinbase(&p.pointee._mp_num, 2)
        let d = __gmpz_sizeinbase(&p.pointee._mp_den, 2)
        return Int(max(n, d))
    }

    /// Base-2 logarithm of the magnitude, accurate to about 1e-15 relative,
    /// without overflow for huge values. `-inf` for zero.
    public var log2Magnitude: Double {
        if isZero { return -.infinity }
        let p = storage.pointer
        var en = 0, ed = 0
        let mn = __gmpz_get_d_2exp(&en, &p.pointee._mp_num)
        let md = __gmpz_get_d_2exp(&ed, &p.pointee._mp_den)
        return (log2(Swift.abs(mn)) - log2(Swift.abs(md))) + Double(en - ed)
    }

    public var negated: Rational { Rational.make { __gmpq_neg($0, storage.pointer) } }
    public var magnitude: Rational { sign < 0 ? negated : self }

    /// The multiplicative inverse; the value must be nonzero.
    public var reciprocal: Rational {
        precondition(!isZero, "reciprocal of zero")
        return Rational.make { __gmpq_inv($0, storage.pointer) }
    }

    /// The numerator and denominator as decimal strings.
    public var numeratorDescription: String { Rational.integerString(&storage.pointer.pointee._mp_num) }
    public var denominatorDescription: String { Rational.integerString(&storage.pointer.pointee._mp_den) }

    static func integerString(_ z: UnsafeMutablePointer<__mpz_struct>) -> String {
        let capacity = Int(__gmpz_sizeinbase(z, 10)) + 2
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity) { buffer in
            _ = __gmpz_get_str(buffer.baseAddress, 10, z)
            return String(cString: buffer.baseAddress!)
        }
    }
}

extension Rational: CustomStringConvertible {
    /// Canonical form: `-3/4`, `7`, `0`.
    public var description: String {
        let p = storage.pointer
        let capacity = Int(__gmpz_sizeinbase(&p.pointee._mp_num, 10) + __gmpz_sizeinbase(&p.pointee._mp_den, 10)) + 3
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity) { buffer in
            _ = __gmpq_get_str(buffer.baseAddress, 10, p)
            return String(cString: buffer.baseAddress!)
        }
    }
}

extension Rational: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self.init(value) }
}

extension Rational: Equatable, Hashable, Comparable {
    public static func == (a: Rational, b: Rational) -> Bool {
        a.storage === b.storage || __gmpq_equal(a.storage.pointer, b.storage.pointer) != 0
    }
    public static func < (a: Rational, b: Rational) -> Bool {
        __gmpq_cmp(a.storage.pointer, b.storage.pointer) < 0
    }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(doubleValue)
        hasher.combine(heightBits)
    }
}

extension Rational {
    public static func + (a: Rational, b: Rational) -> Rational {
        make { __gmpq_add($0, a.storage.pointer, b.storage.pointer) }
    }
    public static func - (a: Rational, b: Rational) -> Rational {
        make { __gmpq_sub($0, a.storage.pointer, b.storage.pointer) }
    }
    public static func * (a: Rational, b: Rational) -> Rational {
        make { __gmpq_mul($0, a.storage.pointer, b.storage.pointer) }
    }
    /// Exact division; `b` must be nonzero.
    public static func / (a: Rational, b: Rational) -> Rational {
        precondition(!b.isZero, "division by zero")
        return make { __gmpq_div($0, a.storage.pointer, b.storage.pointer) }
    }
    public static prefix func - (a: Rational) -> Rational { a.negated }

    public static func += (a: inout Rational, b: Rational) { a.update(b, __gmpq_add) }
    public static func -= (a: inout Rational, b: Rational) { a.update(b, __gmpq_sub) }
    public static func *= (a: inout Rational, b: Rational) { a.update(b, __gmpq_mul) }
    public static func /= (a: inout Rational, b: Rational) {
        precondition(!b.isZero, "division by zero")
        a.update(b, __gmpq_div)
    }

    /// In-place update when this copy owns its storage (cheap accumulation).
    private mutating func update(
        _ b: Rational,
        _ op: (UnsafeMutablePointer<__mpq_struct>?, UnsafePointer<__mpq_struct>?, UnsafePointer<__mpq_struct>?) -> Void
    ) {
        if isKnownUniquelyReferenced(&storage) && storage !== b.storage {
            op(storage.pointer, storage.pointer, b.storage.pointer)
        } else {
            let old = storage
            self = Rational.make { op($0, old.pointer, b.storage.pointer) }
        }
    }

    /// `2^k` for any integer `k`.
    public static func powerOfTwo(_ k: Int) -> Rational {
        make { p in
            __gmpq_set_ui(p, 1, 1)
            if k >= 0 { __gmpq_mul_2exp(p, p, UInt(k)) } else { __gmpq_div_2exp(p, p, UInt(-k)) }
        }
    }
}

extension Rational {
    /// `self^k` for `k >= 0`.
    public func power(_ k: Int) -> Rational {
        precondition(k >= 0)
        return Rational.make {
            __gmpq_set_ui($0, 1, 1)
            for _ in 0..<k { __gmpq_mul($0, $0, storage.pointer) }
        }
    }
}

extension Rational {
    /// The positive `s` for which `s·values` are integers with gcd 1 (`1`
    /// if all are zero): scaling a homogeneous certificate by it keeps its
    /// meaning and drops every denominator.
    public static func primitiveScale(_ values: [Rational]) -> Rational {
        make { s in
            let lcm = UnsafeMutablePointer<__mpz_struct>.allocate(capacity: 1)
            let gcd = UnsafeMutablePointer<__mpz_struct>.allocate(capacity: 1)
            __gmpz_init_set_ui(lcm, 1)
            __gmpz_init_set_ui(gcd, 0)
            defer {
                __gmpz_clear(lcm)
                __gmpz_clear(gcd)
                lcm.deallocate()
                gcd.deallocate()
            }
            for v in values {
                __gmpz_lcm(lcm, lcm, &v.storage.pointer.pointee._mp_den)
                __gmpz_gcd(gcd, gcd, &v.storage.pointer.pointee._mp_num)
            }
            if __gmpz_cmp_ui(gcd, 0) == 0 { __gmpz_set_ui(gcd, 1) }
            __gmpq_set_num(s, lcm)
            __gmpq_set_den(s, gcd)
            __gmpq_canonicalize(s)
        }
    }
}
