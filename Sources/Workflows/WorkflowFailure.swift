/// Why a workflow gave no result, by what a command should exit with: the
/// input (2), a certificate the verifier rejects (1), the method (3) or
/// flowproof itself (70). The message is the whole one-line reason.
public enum WorkflowFailure: Error, CustomStringConvertible {
    case badInput(String)
    case rejected(String)
    case noCertifiedResult(String)
    case internalError(String)

    public var description: String {
        switch self {
        case .badInput(let s), .rejected(let s), .noCertifiedResult(let s), .internalError(let s): s
        }
    }
}
