/// What makes a matrix no product of coupling layers, in either arithmetic:
/// the exact and the binary64 checks throw the same cases with the same
/// messages, so an input is refused in one wording whichever arithmetic
/// decides it.
public enum CouplingInputError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case notSquare(rows: Int, columns: Int)
    case oddSize(Int)
    /// `det = 0`, exactly or, `estimated`, as binary64 LU found it (an
    /// exactly zero pivot), which is not a proof.
    case singular(estimated: Bool = false)
    /// `det < 0`, its value exact or, `estimated`, from binary64 LU.
    case determinantNegative(String, estimated: Bool = false)

    /// `d` for a `2d × 2d` shape; emptiness is reported before squareness,
    /// squareness before parity.
    public static func blockSize(rows: Int, columns: Int) throws(CouplingInputError) -> Int {
        guard rows > 0, columns > 0 else { throw .empty }
        guard rows == columns else { throw .notSquare(rows: rows, columns: columns) }
        guard rows % 2 == 0 else { throw .oddSize(rows) }
        return rows / 2
    }

    public var description: String {
        switch self {
        case .empty: return "matrix is empty"
        case .notSquare(let r, let c): return "matrix is \(r)×\(c); coupling networks need a square 2d×2d matrix"
        case .oddSize(let n): return "matrix is \(n)×\(n); the size must be even (2d×2d, two channel blocks of size d)"
        case .singular(let estimated):
            let text = estimated ? "singular in binary64 (LU met a zero pivot; --arith exact decides exactly)" : "singular (det = 0)"
            return "matrix is \(text); coupling layers are invertible, so no network represents it"
        case .determinantNegative(let det, let estimated):
            // A determinant of a million digits would make a megabyte-long error line.
            let text = det.count <= 60 ? "det \(estimated ? "≈" : "=") \(det)" : "det (\(det.count) characters)"
            return "\(text) < 0; coupling networks preserve orientation (every layer has det > 0), so no network represents it"
        }
    }
}
