import Testing
@testable import CouplingLayers
import ExactLinearAlgebra

@Suite struct DyadicRoundingTests {
    /// Tiny entries (a preconditioner of a degenerate solution) used to
    /// overflow the scaling and trap.
    @Test(arguments: [1e-300, -3e-310, 5e-324, 0.1, -7.25, 1e300])
    func dyadicOfExtremeValues(x: Double) {
        let r = IntertwinerMembership.dyadic(x, bits: 32)
        #expect(abs(r.doubleValue - x) <= abs(x) * 1e-9 + 1e-320)
    }
}
