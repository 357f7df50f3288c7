import ArgumentParser

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
        malformed matrix, wrong size, det <= 0); 3 no certified floating-point result \
        (too ill-conditioned, no convergence); 64 bad command line; 70 internal error.

        Examples:
          flowproof decompose examples/swap-d2.txt --out swap.json
          flowproof verify proofs/
        """,
        version: "0.1.0",
        subcommands: [Decompose.self, Depth.self, SearchK2.self, Verify.self, Export.self, Plot.self]
    )
}
