import ArgumentParser
import Foundation

@main
struct Flowproof: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flowproof",
        abstract: "Prove how many affine coupling layers a linear map needs, with checkable certificates.",
        discussion: """
            A coupling pair is L = [I 0; A diag(B)] · U = [diag(C) D; 0 I] on a 2d×2d matrix. \
            Every matrix with det > 0 is a product of 3 pairs; flowproof finds them exactly and \
            writes certificates that `flowproof verify` (or any short independent program) re-checks.

            Exit codes: 0 success; 1 a certificate was rejected; 2 bad input (unreadable or \
            malformed matrix, wrong size, det <= 0); 3 no certified result (floating \
            point: too ill-conditioned, no convergence; exact: a forced --method does not apply); 64 bad command line; 70 internal error.

            Examples:
              flowproof decompose examples/swap-d2.txt --out swap.json
              flowproof verify proofs/
            """,
        version: "0.1.0",
        subcommands: [Decompose.self, Depth.self, SearchK2.self, Verify.self, Export.self, Plot.self]
    )

    /// `help NAME` with an unknown NAME would print the overview and exit 0;
    /// a mistyped command must fail like any other bad command line.
    static func main() {
        if let (name, parent) = unknownHelpTopic(CommandLine.arguments.dropFirst()) {
            let known = parent.configuration.subcommands.map { $0._commandName }
            printError("unknown command '\(name)'" + (known.isEmpty ? "" : " (commands: \(known.joined(separator: ", ")))"))
            Foundation.exit(64)
        }
        main(nil)
    }

    /// The first name after `help` that is not a subcommand of the command
    /// named before it, and that command.
    static func unknownHelpTopic(_ arguments: ArraySlice<String>) -> (String, ParsableCommand.Type)? {
        guard arguments.first == "help" else { return nil }
        var command: ParsableCommand.Type = Self.self
        for name in arguments.dropFirst() where !name.hasPrefix("-") {
            guard let next = command.configuration.subcommands.first(where: { $0._commandName == name }) else { return (name, command) }
            command = next
        }
        return nil
    }
}
