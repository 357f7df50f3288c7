import FloatLinearAlgebra

/// How well conditioned a float factorization is: per layer the largest
/// entry and the 2-norm condition numbers of `L_i` and `U_i` (SVD), and the
/// product of all of them, which bounds `κ(T)` from above and measures how
/// much the layers can amplify rounding errors.
public struct FloatConditioningReport: Sendable {
    public struct Layer: Sendable {
        public let maxAbs: Double
        public let lowerCondition: Double
        public let upperCondition: Double
    }

    public let layers: [Layer]

    public init(_ pairs: [FloatCouplingPair]) {
        layers = pairs.map {
            Layer(
                maxAbs: $0.maxAbs, lowerCondition: $0.lowerFactor.conditionNumber,
                upperCondition: $0.upperFactor.conditionNumber)
        }
    }

    /// `Π_i κ(L_i) κ(U_i)`.
    public var conditionProduct: Double {
        layers.reduce(1) { $0 * $1.lowerCondition * $1.upperCondition }
    }

    public var maxAbs: Double { layers.map(\.maxAbs).max() ?? 0 }
}
