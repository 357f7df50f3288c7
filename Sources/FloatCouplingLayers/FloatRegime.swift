/// Which diagonals a coupling layer may have (theory.md §1).
public enum FloatRegime: String, Sendable, CaseIterable {
    /// Every `B`, `C` entry `> 0`: what real coupling layers (`exp` scales) do.
    case positive
    /// Every `B`, `C` entry `≠ 0`.
    case signed

    /// Whether a diagonal entry is allowed in this regime.
    public func admits(_ value: Double) -> Bool {
        switch self {
        case .positive: value > 0 && value.isFinite
        case .signed: value != 0 && value.isFinite
        }
    }
}
