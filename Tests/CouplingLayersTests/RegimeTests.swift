import CouplingLayers
import ExactLinearAlgebra
import Testing

/// One `Regime` serves both arithmetics: binary64 values must also be finite,
/// including where `admits` is passed as a function (overload resolution).
@Suite struct RegimeTests {
    @Test func binary64ScalingsMustBeFinite() {
        #expect(![Double.nan].allSatisfy(Regime.signed.admits))
        #expect(![Double.infinity].allSatisfy(Regime.positive.admits))
        #expect(Regime.signed.admitsAll([-0.5, 2.0]) && !Regime.positive.admitsAll([-0.5, 2.0]))
        #expect(!Regime.signed.admits(0.0) && Regime.positive.admits(Double.leastNonzeroMagnitude))
    }

    @Test func exactScalings() {
        #expect(Regime.positive.admitsAll([Rational(1, 3), 2]) && !Regime.positive.admits(Rational(-1, 3)))
        #expect(Regime.signed.admits(Rational(-1, 3)) && !Regime.signed.admits(Rational.zero))
    }
}
