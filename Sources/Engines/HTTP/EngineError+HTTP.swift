import AsyncHTTPClient
import FoundationEssentials
import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import NIOPosix
import NIOSSL

#if canImport(Glibc)
import Glibc
#endif

extension EngineError {
    /// Reads an AsyncHTTPClient, NIO or TLS error once, at the engine's
    /// boundary, into an `EngineError` whose message names the host and port.
    /// `EngineError` and `CancellationError` pass through unchanged, and
    /// AsyncHTTPClient's `cancelled` becomes `CancellationError`.
    static func from(_ error: any Error, url: URL, configuration: HTTPEngineConfiguration) -> any Error {
        if error is EngineError || error is CancellationError { return error }
        let host = url.host ?? "?"
        let target = "\(host):\(url.port ?? (url.scheme == "https" ? 443 : 80))"
        switch error {
        case let error as HTTPClientError where error == .cancelled:
            return CancellationError()
        case let error as HTTPClientError:
            return from(error, target: target, url: url, configuration: configuration)
        case let error as NIOConnectionError:
            guard let first = error.connectionErrors.first else {
                return EngineError(.dns, "cannot resolve host '\(host)'")
            }
            return from(first.error, url: url, configuration: configuration)
        case let error as IOError:
            return from(errno: error.errnoCode, target: target, detail: "\(error)")
        case ChannelError.connectTimeout:
            return connectTimeout(target, configuration)
        case ChannelError.eof, ChannelError.ioOnClosedChannel, ChannelError.outputClosed:
            return EngineError(.connectionReset, "connection to \(target) closed before the response was complete")
        case HTTPParserError.invalidEOFState:
            return EngineError(.connectionReset, "connection to \(target) closed in the middle of the response")
        case let error as HTTPParserError:
            return EngineError(.protocolError, "malformed HTTP response from \(target): \(error)")
        case NIOHTTPDecompression.DecompressionError.limit:
            return HTTPEngine.bodyTooLarge(configuration.maxBodyBytes, url)
        case is NIOHTTPDecompression.DecompressionError, is NIOHTTPDecompression.ExtraDecompressionError:
            return EngineError(.protocolError, "cannot decompress the body from \(target): \(error)")
        case NIOSSLError.uncleanShutdown:
            return EngineError(.connectionReset, "TLS connection to \(target) closed without close_notify")
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError:
            return EngineError(.tls, "TLS with \(target) failed: \(error)")
        case is SocketAddressError, is SocketAddressError.UnknownHost:
            return EngineError(.dns, "cannot resolve host '\(host)'")
        default:
            return EngineError(.protocolError, "fetching \(url.absoluteString) failed: \(error)")
        }
    }

    private static func from(
        _ error: HTTPClientError, target: String, url: URL, configuration: HTTPEngineConfiguration
    ) -> EngineError {
        switch error {
        case .deadlineExceeded, .readTimeout, .writeTimeout:
            return EngineError(.timeout, "no complete response from \(url.absoluteString) in time")
        case .connectTimeout, .tlsHandshakeTimeout, .socksHandshakeTimeout, .httpProxyHandshakeTimeout, .getConnectionFromPoolTimeout:
            return connectTimeout(target, configuration)
        case .remoteConnectionClosed, .uncleanShutdown:
            return EngineError(.connectionReset, "connection to \(target) closed before the response was complete")
        case .invalidURL, .emptyHost, .emptyScheme:
            return EngineError(.invalidURL, "not an absolute http or https URL: \(url.absoluteString)")
        case .invalidProxyResponse, .proxyAuthenticationRequired:
            return EngineError(.connectFailed, "proxy refused the connection to \(target): \(error)")
        default:
            return EngineError(.protocolError, "fetching \(url.absoluteString) failed: \(error)")
        }
    }

    private static func from(errno: Int32, target: String, detail: String) -> EngineError {
        switch errno {
        case ECONNREFUSED: return EngineError(.connectionRefused, "connection refused: \(target)")
        case ECONNRESET, EPIPE: return EngineError(.connectionReset, "connection reset by \(target)")
        case ETIMEDOUT: return EngineError(.connectTimeout, "connecting to \(target) timed out")
        case ENETUNREACH, EHOSTUNREACH: return EngineError(.connectFailed, "no route to \(target)")
        case EMFILE, ENFILE: return EngineError(.resourceExhausted, "no file descriptor left to connect to \(target): \(detail)")
        default: return EngineError(.connectFailed, "cannot connect to \(target): \(detail)")
        }
    }

    private static func connectTimeout(_ target: String, _ configuration: HTTPEngineConfiguration) -> EngineError {
        EngineError(.connectTimeout, "connecting to \(target) took longer than \(configuration.connectTimeoutMilliseconds) ms")
    }
}
