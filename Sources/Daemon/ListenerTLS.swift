import NIOSSL

/// The listener's TLS context from `--tls-cert` and `--tls-key` (PEM files:
/// the certificate chain, leaf first, and its private key).
///
/// Built before anything listens, so a missing, unreadable or mismatched
/// file stops the start with a configuration error (exit 2) naming the file,
/// instead of a listener that fails every handshake. TLS 1.2 is the oldest
/// version accepted: the clients crawld expects (OpenSSL 1.1+, NIOSSL) all
/// speak it, and older versions have known weaknesses.
enum ListenerTLS {
    static func context(certificatePath: String, keyPath: String) throws(DaemonError) -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw DaemonError(kind: .configuration, message: "--tls-cert '\(certificatePath)': cannot read a PEM certificate: \(error)")
        }
        guard !chain.isEmpty else {
            throw DaemonError(kind: .configuration, message: "--tls-cert '\(certificatePath)': no certificate in the file")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        } catch {
            throw DaemonError(kind: .configuration, message: "--tls-key '\(keyPath)': cannot read a PEM private key: \(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw DaemonError(
                kind: .configuration, message: "--tls-cert '\(certificatePath)' and --tls-key '\(keyPath)' do not make a usable TLS identity: \(error)"
            )
        }
    }
}
