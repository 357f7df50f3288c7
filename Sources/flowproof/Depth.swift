import ArgumentParser
import Certificates
import CouplingLayers
import ExactLinearAlgebra
import Foundation
import Workflows

struct Depth: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The minimal number of coupling pairs for a matrix, with its proof.",
        discussion: """
            Proves a lower bound only with a witness that the certificate verifier accepts \
            (theory.md §3–4: K_1 test, principal-minor signs, T11 = 0 systems, multipliers of the \
            characteristic-polynomial equations). When no proof \
            separates depth 2 from 3, a numerical search on the characteristic-polynomial system \
            reports "in K_2 numerically (residual r)" — evidence, not a proof — unless a \
            Krawczyk test proves T ∈ K_2, on the intertwiner system (theory.md §4a) or, for \
            singular T11, on the full depth-2 system (§4c): then the minimal depth 2 is proven \
            by a `depth` certificate with a `membership` object.

            --out writes a `depth` certificate when the minimum is proven, otherwise the best \
            `factorization` certificate (depth 3).

            Examples:
              flowproof depth examples/two-identity-d2.mtx
              flowproof depth examples/random-d3.txt --regime signed --json
              flowproof depth examples/swap-d2.txt --out swap-depth.json
            """)

    @OptionGroup var input: MatrixOptions

    @Option(help: "Write a depth certificate (or a factorization certificate if not proven).")
    var out: String?

    @Flag(help: "Print a machine-readable JSON summary.")
    var json = false

    func run() throws {
        let start = Date()
        let t = try input.readMatrix()
        let result: CertifiedDepth.Result
        do { result = try CertifiedDepth.run(t, regime: input.regime, seed: input.seed) } catch {
            throw fail(error, file: input.file)
        }
        let (analysis, factorization, certificate) = (result.analysis, result.factorization, result.certificate)
        if let out {
            do { try certificate.write(to: out) } catch { throw fail(error) }
        }
        let seconds = Date().timeIntervalSince(start)
        let numericResidual = analysis.numericDepthTwo.map(\.evidence)
        if json {
            print(
                JSONValue.object([
                    ("command", .string("depth")),
                    ("input", .string(input.file)),
                    ("d", .int(t.rows / 2)),
                    ("regime", .string(input.regime.rawValue)),
                    ("lowerBound", .int(analysis.lowerBound)),
                    ("upperBound", .int(analysis.upperBound)),
                    ("proven", .bool(analysis.proven)),
                    ("outcome", .string(analysis.outcome.rawValue)),
                    ("witness", analysis.witness.map { .string($0.typeName) } ?? .null),
                    ("membership", analysis.membership.map { .string($0.typeName) } ?? .null),
                    ("numericK2Residual", numericResidual.map(JSONValue.double) ?? .null),
                    ("heightBits", factorization.map { .int($0.heightBits) } ?? .null),
                    ("seconds", .double((seconds * 1000).rounded() / 1000)),
                    ("certificate", out.map(JSONValue.string) ?? .null),
                ]).text)
            return
        }
        print("\(input.file): d = \(t.rows / 2), regime = \(input.regime.rawValue)")
        if analysis.membership != nil {
            let system = if case .fullSystem = analysis.membership { "the full depth-2 system" } else { "the intertwiner system" }
            print("minimal depth 2 (proven: verified existence of a depth-2 factorization, Krawczyk test on \(system))")
        } else if analysis.proven {
            print("minimal depth \(analysis.upperBound) (proven)")
        } else {
            print("minimal depth 2 or 3 (proven bounds)")
        }
        switch analysis.lowerBound {
        case 1: print("  T is in K_1: one coupling pair")
        case 2: print("  not in K_1: \(DepthOne.obstruction(of: t, regime: input.regime) ?? "")")
        default: print("  not in K_2: witness \(witnessText(analysis.witness!, input.regime)) (verified)")
        }
        if case .intertwiner(let proof) = analysis.membership {
            print(
                "  in K_2: box of radius \(String(format: "%.1e", proof.radius.doubleValue)) around a solution of T11·diag(δ)·P = P·diag(u)·V, δ, u admissible, P nonsingular (verified exactly)"
            )
        } else if case .fullSystem(let proof) = analysis.membership {
            print(
                "  in K_2: box of radius \(String(format: "%.1e", proof.radius.doubleValue)) around a solution X, U of the full depth-2 system (theory §4c) whose diagonals, the scalings, stay admissible (verified exactly)"
            )
        } else if let factorization {
            if analysis.upperBound == 2 { print("  exact depth-2 factorization (verified)") }
            if analysis.upperBound == 3 {
                print("  exact depth-3 factorization, max entry height \(factorization.heightBits) bits (verified)")
            }
        }
        if !analysis.proven {
            if let r = numericResidual, r < NumericDepthTwo.tolerance {
                print(String(format: "  in K_2 numerically (residual %.1e), not proven", r))
            } else {
                let search =
                    numericResidual.map { String(format: " (best numerical residual %.1e)", $0) }
                    ?? (t.rows / 2 > NumericDepthTwo.maximumD ? " (no numerical search above d = \(NumericDepthTwo.maximumD))" : "")
                print("  undecided: no depth-2 factorization or lower-bound witness found" + search)
            }
        }
        if let out { print("certificate written to \(out)") }
    }

    private func witnessText(_ w: NotInK2Witness, _ regime: Regime) -> String {
        switch w {
        case .principalMinors(let j, let sign): return "principal-minors (j = \(j), sign \(sign.rawValue))"
        case .principalMinorsMonomial(let j, let zero): return "principal-minors-monomial (j = \(j), \(zero.rawValue) side zero)"
        case .t11ZeroSigned(let k, _): return "t11-zero-signed (γ_\(k) = 0 is forced)"
        case .t11ZeroPositive: return "t11-zero-positive (Farkas multipliers)"
        case .monomialCycles: return "monomial-cycles (the cycles and paths of T11 and V cannot give equal characteristic polynomials)"
        case .charPolyPositivstellensatz(let terms):
            let degree = terms.map { $0.j + $0.exponents.reduce(0, +) }.max() ?? 0
            return
                "charpoly-positivstellensatz (\(terms.count) multiplier terms, degree \(degree): Σ g_j·f_j has only nonnegative coefficients\(regime == .signed ? " and even exponents" : ""))"
        case .fullSystemIdeal(let conclusion, let cofactors):
            return
                "full-system-ideal (\(cofactors.count) cofactor terms: Σ h_k·e_k is \(conclusion.rawValue) in the scalings)"
        }
    }
}
