import HTTPTypes
import Protocol

/// The HTTP status for each wire error code, in one place: the body carries
/// the code itself, the status only lets HTTP tooling (curl -f, a load
/// balancer's check, Prometheus) tell outcomes apart.
enum HTTPStatusMapping {
    static func status(for code: ErrorCode) -> HTTPResponse.Status {
        switch code {
        case .badJSON, .badRequest, .invalidURL, .lineTooLong: .badRequest
        case .unauthorized: .unauthorized
        case .forbidden: .forbidden
        case .authThrottled: .tooManyRequests
        case .notFound, .unknownOp: .notFound
        case .busy, .memoryPressure, .resourceExhausted, .shuttingDown, .engineUnavailable: .serviceUnavailable
        case .timeout, .scriptTimeout: .gatewayTimeout
        case .fetchFailed, .blockedAddress: .badGateway
        case .internal: .internalServerError
        default: .unprocessableContent
        }
    }
}
