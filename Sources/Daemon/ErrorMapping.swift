import Crawl
import Engines
import HTML
import Jobs
import LuaBridge
import Monitor
import Pool
import Protocol

/// The one place where errors of every module become wire errors
/// (docs/protocol.md, "Error codes"). An error no case knows is a bug: it
/// becomes `internal` with its description, and the daemon stays up.
enum ErrorMapping {
    static func protocolError(for error: any Error) -> ProtocolError {
        switch error {
        case let error as ProtocolError:
            return error
        case let error as CrawlError:
            return ProtocolError(ErrorCode(error.code.description), error.message)
        case let error as EngineError:
            return engine(error)
        case let error as PoolError:
            return pool(error)
        case let error as BrowserError:
            return browser(error)
        case let error as LuaError:
            // A deadline is the one script failure a client may retry as is (the page may
            // be smaller next time); everything else is the script's own fault.
            return ProtocolError(error.kind == .deadlineExceeded ? .scriptTimeout : .scriptError, error.message)
        case let error as JobError:
            return job(error)
        case let error as MonitorError:
            return ProtocolError(.badRequest, error.message)
        case let error as HTMLError:
            return ProtocolError(error.code == .parseFailed ? .fetchFailed : .scriptError, error.description)
        case is CancellationError:
            return ProtocolError(.shuttingDown, "the request was cancelled because crawld is shutting down")
        default:
            return ProtocolError(.internal, "\(error)")
        }
    }

    private static func engine(_ error: EngineError) -> ProtocolError {
        if error.code.isTimeout { return ProtocolError(.timeout, error.message) }
        switch error.code {
        case .invalidConfiguration: return ProtocolError(.badRequest, error.message)
        case .invalidURL: return ProtocolError(.invalidURL, error.message)
        case .blockedAddress: return ProtocolError(.blockedAddress, error.message)
        case .notRunning: return ProtocolError(.engineUnavailable, error.message)
        case .resourceExhausted: return ProtocolError(.resourceExhausted, error.message)
        default: return ProtocolError(.fetchFailed, "\(error.code.reason): \(error.message)")
        }
    }

    private static func browser(_ error: BrowserError) -> ProtocolError {
        switch error.code {
        case .unavailable, .launchFailed: return ProtocolError(.engineUnavailable, error.message)
        case .timeout: return ProtocolError(.timeout, error.message)
        case .crashed, .navigationFailed: return ProtocolError(.fetchFailed, error.message)
        case .script: return ProtocolError(.scriptError, "js: \(error.message)")
        case .badOption: return ProtocolError(.badRequest, error.message)
        case .blockedAddress: return ProtocolError(.blockedAddress, error.message)
        default: return ProtocolError(.internal, error.message)
        }
    }

    private static func job(_ error: JobError) -> ProtocolError {
        switch error.code {
        case .invalidURL: return ProtocolError(.invalidURL, error.message)
        case .blockedAddress: return ProtocolError(.blockedAddress, error.message)
        case .notFound: return ProtocolError(.notFound, error.message)
        case .shuttingDown: return ProtocolError(.shuttingDown, error.message)
        case .checkpoint, .movedAway: return ProtocolError(.internal, error.message)
        // Redis away: a limit of the moment, as `busy` is; the client retries later.
        case .unavailable, .busy: return ProtocolError(.busy, error.message)
        default: return ProtocolError(.badRequest, error.message)
        }
    }

    private static func pool(_ error: PoolError) -> ProtocolError {
        switch error.code {
        case .memoryPressure: return ProtocolError(.memoryPressure, error.message)
        case .notFound: return ProtocolError(.notFound, error.message)
        case .ambiguousSignature, .notKillable: return ProtocolError(.badRequest, error.message)
        case .engineFailed: return ProtocolError(.engineUnavailable, error.message)
        case .shuttingDown: return ProtocolError(.shuttingDown, error.message)
        default: return ProtocolError(.internal, error.message)
        }
    }
}
