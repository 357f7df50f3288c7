import ArgumentParser
import ExactLinearAlgebra
import FloatCouplingLayers
import FloatLinearAlgebra
import Foundation
import Workflows

/// `decompose --arith float`: parses nothing, calls
/// `CertifiedFloatDecomposition.run`, writes the certificate and prints.
struct FloatDecomposition {
    let command: Decompose
    let matrix: RationalMatrix
    let start: Date

    func run() throws {
        let stages = StageLine(enabled: !command.json && standardErrorIsTerminal)
        defer { stages.clear() }
        let result: CertifiedFloatDecomposition.Result
        do {
            result = try CertifiedFloatDecomposition.run(
                matrix, depth: command.depth, regime: command.input.regime,
                seed: command.input.seed, certificate: command.out != nil,
                stage: stages.show)
        } catch {
            throw fail(error, file: command.input.file)
        }
        if let out = command.out, let certificate = result.certificate {
            do { try certificate.write(to: out) } catch { throw fail(error) }
        }
        stages.clear()
        report(result.factorization, bound: result.bound, rounded: result.rounded, verified: result.verified)
    }

    private func report(_ f: FloatFactorization, bound: FloatResidual.Bound, rounded: DoubleMatrix, verified: Bool) {
        let seconds = Date().timeIntervalSince(start)
        let conditioning = FloatConditioningReport(f.layers)
        let norm = rounded.frobeniusNorm
        let relative = bound.value / norm
        if command.json {
            let perLayer = conditioning.layers.map { layer in
                JSONValue.object([
                    ("maxAbs", .double(layer.maxAbs)), ("conditionL", .double(layer.lowerCondition)),
                    ("conditionU", .double(layer.upperCondition)),
                ])
            }
            print(
                JSONValue.object([
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
                    ("verified", .bool(verified)),
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
        print(
            String(
                format: "certified ||T - product||_F <= %.3e (relative %.3e, %@)", bound.value, relative, bound.method.rawValue as NSString)
        )
        print(String(format: "largest layer entry %.3e (largest input entry %.3e)", conditioning.maxAbs, rounded.maxAbs))
        for (k, layer) in conditioning.layers.enumerated() {
            print(
                String(
                    format: "  pair %d: max entry %.3e, cond2(L) %.3e, cond2(U) %.3e", k + 1, layer.maxAbs, layer.lowerCondition,
                    layer.upperCondition))
        }
        print(String(format: "product of layer condition numbers %.3e; %.3f s", conditioning.conditionProduct, seconds))
        if !verified {
            print("(certificate not re-verified here: 2d > \(CertifiedFloatDecomposition.exactCheckLimit); run flowproof verify)")
        }
        if let out = command.out { print("certificate written to \(out)") }
    }
}
