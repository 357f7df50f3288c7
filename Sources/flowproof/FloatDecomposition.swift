import ArgumentParser
import Certificates
import CouplingLayers
import ExactLinearAlgebra
import FloatCouplingLayers
import FloatLinearAlgebra
import Foundation

/// `decompose --arith float`: binary64 layers, a certified residual bound
/// against the exact input, and the conditioning report.
struct FloatDecomposition {
    let command: Decompose
    let matrix: RationalMatrix
    let start: Date

    /// Exact determinant checks and exact re-verification of the certificate
    /// up to this size; beyond it they would dominate the run time (41 s at
    /// 2d = 256, against 2.5 s for everything else).
    static let exactCheckLimit = 128

    func run() throws {
        let stages = StageLine(enabled: !command.json && standardErrorIsTerminal)
        defer { stages.clear() }
        let n = matrix.rows
        stages.show("checking the input")
        if n <= Self.exactCheckLimit {
            do { try ExactDecomposer.validate(matrix) } catch { throw fail("\(command.input.file): \(error.description)", ExitStatus.badInput) }
        }
        let rounded = DoubleMatrix(rows: matrix.rows, columns: matrix.columns) { i, j in matrix[i, j].nearestDouble }
        for i in 0..<matrix.rows { for j in 0..<matrix.columns where !rounded[i, j].isFinite {
            throw fail("\(command.input.file): entry (\(i + 1), \(j + 1)) = \(matrix[i, j].log2Magnitude > 0 ? "±2^\(Int(matrix[i, j].log2Magnitude))" : "") exceeds the binary64 range", ExitStatus.badInput)
        } }
        let factorization: FloatFactorization
        stages.show("computing binary64 layers")
        do {
            factorization = try FloatDecomposer.decompose(rounded, depth: command.depth,
                                                          regime: command.input.regime == .positive ? .positive : .signed,
                                                          seed: command.input.seed, determinantSignKnown: n <= Self.exactCheckLimit)
        } catch {
            // A nonzero entry below the binary64 range rounds to 0 and can make
            // the rounded matrix singular although det T > 0: say so.
            if case .nonPositiveDeterminant = error, let (i, j) = firstUnderflow(rounded) {
                throw fail("\(command.input.file): entry (\(i + 1), \(j + 1)) ≈ \(decimalMagnitude(matrix[i, j])) is below the binary64 range "
                           + "and rounds to 0, so the rounded matrix has det <= 0; use --arith exact", ExitStatus.badInput)
            }
            if case .noConvergence = error { throw fail("\(command.input.file): \(error.description)", ExitStatus.noCertifiedResult) }
            if case .tooIllConditioned = error { throw fail("\(command.input.file): \(error.description)", ExitStatus.noCertifiedResult) }
            throw fail("\(command.input.file): \(error.description)", ExitStatus.badInput)
        }
        stages.show("certifying the residual")
        let bound = FloatResidual.bound(exact: matrix, rounded: rounded, factorization.layers)
        guard bound.value.isFinite, let boundValue = Rational(exactly: bound.value) else {
            throw fail("\(command.input.file): the residual bound overflows binary64; no certified result", ExitStatus.noCertifiedResult)
        }
        if n <= Self.exactCheckLimit || command.out != nil {
            try certify(factorization, bound: bound, boundValue: boundValue, stages: stages)
        }
        stages.clear()
        report(factorization, bound: bound, rounded: rounded)
    }

    /// Builds the certificate, re-verifies it exactly when affordable and
    /// writes it if asked (converting ~1M binary64 values to rationals costs
    /// a visible fraction of a second at d = 256, so only then).
    private func certify(_ factorization: FloatFactorization, bound: FloatResidual.Bound, boundValue: Rational,
                         stages: StageLine) throws {
        let n = matrix.rows
        let layers = factorization.layers.map { pair in
            CouplingPair(A: exact(pair.A), B: pair.B.map { Rational(exactly: $0)! },
                         C: pair.C.map { Rational(exactly: $0)! }, D: exact(pair.D))
        }
        let certificate = Certificate(regime: command.input.regime, matrix: matrix,
                                      claim: .binary64Factorization(layers: layers, residualBound: boundValue),
                                      extras: [("generator", .string(flowproofGenerator)), ("seed", .string(String(command.input.seed))),
                                               ("method", .string(factorization.method.rawValue)),
                                               ("residualMethod", .string(bound.method.rawValue))])
        if n <= Self.exactCheckLimit {
            stages.show("re-verifying the certificate")
            do { _ = try CertificateVerifier.check(certificate) } catch {
                throw fail("internal error: the float certificate does not verify: \(error.message)", ExitStatus.internalError)
            }
        }
        if let out = command.out {
            do { try certificate.write(to: out) } catch { throw fail(error.description, ExitStatus.badInput) }
        }
    }

    private func firstUnderflow(_ rounded: DoubleMatrix) -> (Int, Int)? {
        for i in 0..<matrix.rows { for j in 0..<matrix.columns where rounded[i, j] == 0 && !matrix[i, j].isZero { return (i, j) } }
        return nil
    }

    /// `1.0e-400`: a decimal form of a value that has none in binary64.
    private func decimalMagnitude(_ x: Rational) -> String {
        let log10Magnitude = x.log2Magnitude * log10(2.0)
        var exponent = Int(log10Magnitude.rounded(.down)), mantissa = pow(10, log10Magnitude - Double(exponent))
        if mantissa >= 9.95 { mantissa /= 10; exponent += 1 }
        return (x.sign < 0 ? "-" : "") + String(format: "%.1fe%d", mantissa, exponent)
    }

    private func exact(_ m: DoubleMatrix) -> RationalMatrix {
        RationalMatrix(rows: m.rows, columns: m.columns) { i, j in Rational(exactly: m[i, j])! }
    }

    private func report(_ f: FloatFactorization, bound: FloatResidual.Bound, rounded: DoubleMatrix) {
        let seconds = Date().timeIntervalSince(start)
        let conditioning = FloatConditioningReport(f.layers)
        let norm = rounded.frobeniusNorm
        let relative = bound.value / norm
        if command.json {
            let perLayer = conditioning.layers.map { layer in
                JSONValue.object([("maxAbs", .double(layer.maxAbs)), ("conditionL", .double(layer.lowerCondition)),
                                  ("conditionU", .double(layer.upperCondition))])
            }
            print(JSONValue.object([
                ("command", .string("decompose")),
                ("input", .string(command.input.file)),
                ("d", .int(matrix.rows / 2)),
                ("regime", .string(command.input.regime.rawValue)),
                ("arithmetic", .string("binary64")),
                ("depth", .int(f.depth)),
                ("method", .string(f.method.rawValue)),
                ("fallback", f.fallback.map(JSONValue.string) ?? .null),
                ("residualBound", .double(bound.value)),
                ("relativeResidualBound", .double(relative)),
                ("residualMethod", .string(bound.method.rawValue)),
                ("verified", .bool(matrix.rows <= Self.exactCheckLimit)),
                ("maxLayerEntry", .double(conditioning.maxAbs)),
                ("maxInputEntry", .double(rounded.maxAbs)),
                ("conditionProduct", .double(conditioning.conditionProduct)),
                ("layers", .array(perLayer)),
                ("seconds", .double((seconds * 1000).rounded() / 1000)),
                ("certificate", command.out.map(JSONValue.string) ?? .null),
            ]).text)
            return
        }
        print("\(command.input.file): d = \(matrix.rows / 2), regime = \(command.input.regime.rawValue)")
        print("depth \(f.depth), binary64 layers (\(f.method.rawValue))")
        if let fallback = f.fallback { print("fell back: \(fallback)") }
        print(String(format: "certified ||T - product||_F <= %.3e (relative %.3e, %@)", bound.value, relative, bound.method.rawValue as NSString))
        print(String(format: "largest layer entry %.3e (largest input entry %.3e)", conditioning.maxAbs, rounded.maxAbs))
        for (k, layer) in conditioning.layers.enumerated() {
            print(String(format: "  pair %d: max entry %.3e, cond2(L) %.3e, cond2(U) %.3e", k + 1, layer.maxAbs, layer.lowerCondition, layer.upperCondition))
        }
        print(String(format: "product of layer condition numbers %.3e; %.3f s", conditioning.conditionProduct, seconds))
        if matrix.rows > Self.exactCheckLimit { print("(certificate not re-verified here: 2d > \(Self.exactCheckLimit); run flowproof verify)") }
        if let out = command.out { print("certificate written to \(out)") }
    }
}
