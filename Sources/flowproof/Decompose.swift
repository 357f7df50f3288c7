import ArgumentParser
import Certificates
import CouplingLayers
import ExactLinearAlgebra
import Foundation

extension Regime: ExpressibleByArgument {}
extension ExactPreference: ExpressibleByArgument {}
extension DepthThreeMethod: ExpressibleByArgument {}

/// `--arith`: exact rationals (GMP) or binary64 layers (LAPACK).
enum Arithmetic: String, ExpressibleByArgument, CaseIterable {
    case exact, float
}

struct Decompose: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Factor a 2d×2d matrix with det > 0 into coupling pairs, exactly: depth <= 3, or small entries with --prefer height.",
        discussion: """
            Input: one row per line, entries separated by spaces, tabs or commas; integers, p/q, \
            decimals (-0.125) and scientific numbers (3e-2) are read exactly; '#' starts a comment. \
            Matrix Market files (%%MatrixMarket matrix array|coordinate real|integer general) are \
            detected by their header, NumPy .npy files (2-D float, integer or bool arrays, read \
            exactly) by their magic bytes. Inputs are regular files of at most 1 GiB holding \
            matrices of at most 4096×4096 (d <= 2048).

            The result is multiplied back exactly before anything is printed or written.

            Examples:
              flowproof decompose examples/swap-d2.txt
              flowproof decompose examples/random-d3.txt --regime signed --out cert.json
              flowproof decompose matrix.mtx --json
              flowproof decompose big.txt --arith float --out big-float.json
              flowproof decompose big.txt --prefer height --out big.json
              flowproof decompose big.txt --method commutator --json

            Exact certificates of depth <= 3 have entries that grow with d (about 2400 bits \
            at d = 16 for random integer input, rank-one construction; --json's method field \
            names the construction used). --prefer height keeps every entry near the \
            height of T⁻¹'s (block LDU, triangular factors split into square-zero commutators) \
            at depth about 3·log2(d) + 5.

            --method chooses the exact depth-3 construction. auto (default): depth 1 or an \
            easy depth 2 when they apply, else the smallest certificate among the depth-3 \
            methods within a fixed work budget. rank-one (theory §5.3), commutator (§5) and \
            monomial (§5.1) always give depth 3 by that construction, or exit 3 when it does \
            not apply: rank-one needs cyclic T11 and (T⁻¹)22 (not the swap or [I 2I; I I]), \
            monomial a signed permutation matrix.

            With --arith float the layers are binary64 values and the certificate carries a \
            rigorous bound r >= ||T - product||_F for the exact input T (exact GMP arithmetic on the \
            binary64 values when 2d <= 128, otherwise a compensated double-double bound); the \
            summary reports each layer's largest entry and 2-norm condition numbers. Without --depth: \
            depth 3, then 4, then 7, the first whose relative residual meets the bar (1e-12 up to \
            d = 256, 1e-10 at d = 1024); the summary and --json ("fallback") say which depths were \
            skipped and why.
            """)

    @OptionGroup var input: MatrixOptions

    @Option(help: "exact (rational layers, multiplied back exactly) or float (binary64 layers with a certified residual bound).")
    var arith: Arithmetic = .exact

    @Option(
        help:
            "For exact layers: depth (minimal easy depth <= 3; entries grow with d) or height (entries near the height of T⁻¹'s, depth about 3·log2(d) + 5)."
    )
    var prefer: ExactPreference = .depth

    @Option(
        help:
            "Exact depth-3 construction: auto (smallest certificate among those that apply), rank-one, commutator or monomial (forced: depth 3 by that construction, exit 3 if it does not apply)."
    )
    var method: DepthThreeMethod = .auto

    @Option(
        help:
            "Exactly this many pairs for --arith float, with their certified residual, or exit 3 if none are found (default: the shallowest of 3, 4, 7 meeting the residual bar; 7 or more uses the orthogonal block construction)."
    )
    var depth: Int?

    @Option(name: .long, help: "Write a factorization certificate (JSON) to this path.")
    var out: String?

    @Flag(help: "Print a machine-readable JSON summary instead of text.")
    var json = false

    func validate() throws {
        if prefer == .height && arith == .float {
            throw ValidationError("--prefer height applies to --arith exact (float layers have no height)")
        }
        if method != .auto && (arith == .float || prefer == .height) {
            throw ValidationError("--method applies to --arith exact with --prefer depth")
        }
        if let depth {
            guard arith == .float else {
                throw ValidationError("--depth applies to --arith float (exact results have minimal easy depth <= 3)")
            }
            guard (3...12).contains(depth) else { throw ValidationError("--depth must be between 3 and 12") }
        }
    }

    func run() throws {
        let start = Date()
        let matrix = try input.readMatrix()
        if arith == .float { return try FloatDecomposition(command: self, matrix: matrix, start: start).run() }
        let factorization: ExactFactorization
        let stages = StageLine(enabled: !json && standardErrorIsTerminal)
        defer { stages.clear() }
        do {
            factorization = try ExactDecomposer(seed: input.seed).decompose(
                matrix, regime: input.regime, prefer: prefer, method: method, stage: stages.show)
        } catch {
            throw fail(error, file: input.file)
        }
        let certificate = Certificate(factorization: factorization, seed: input.seed)
        stages.clear()
        if let out {
            do { try certificate.write(to: out) } catch { throw fail(error) }
        }
        let seconds = Date().timeIntervalSince(start)
        if json {
            print(
                JSONValue.object([
                    ("command", .string("decompose")),
                    ("input", .string(input.file)),
                    ("d", .int(factorization.d)),
                    ("regime", .string(input.regime.rawValue)),
                    ("arithmetic", .string("exact")),
                    ("prefer", .string(prefer.rawValue)),
                    ("depth", .int(factorization.depth)),
                    ("method", .string(factorization.method.rawValue)),
                    ("verified", .bool(true)),
                    ("heightBits", .int(factorization.heightBits)),
                    ("seconds", .double((seconds * 1000).rounded() / 1000)),
                    ("certificate", out.map(JSONValue.string) ?? .null),
                ]).text)
            return
        }
        print("\(input.file): d = \(factorization.d), regime = \(input.regime.rawValue)")
        print("depth \(factorization.depth) (\(factorization.method.rawValue)), exact; product of the layers equals the input (checked)")
        print("max entry height \(factorization.heightBits) bits, \(String(format: "%.3f", seconds)) s")
        if factorization.d <= 4 {
            for (k, layer) in factorization.layers.enumerated() {
                print("pair \(k + 1):")
                print("  A = \(rowsText(layer.A))")
                print("  B = diag(\(layer.B.map(\.description).joined(separator: ", ")))")
                print("  C = diag(\(layer.C.map(\.description).joined(separator: ", ")))")
                print("  D = \(rowsText(layer.D))")
            }
        } else {
            print("(layers not printed for d > 4; use --out to write them)")
        }
        if let out { print("certificate written to \(out)") }
    }

    private func rowsText(_ m: RationalMatrix) -> String {
        "[" + m.rowArrays.map { $0.map(\.description).joined(separator: " ") }.joined(separator: "; ") + "]"
    }
}
