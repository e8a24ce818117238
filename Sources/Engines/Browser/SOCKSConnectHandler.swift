import Logging
import NIOCore
import NIOPosix
import NIOSOCKS

/// One SOCKS5 connection to a `BrowserProxy`: answers the greeting (no
/// authentication), checks the requested host through `PinnedHosts`,
/// connects to the first checked address, then splices the two connections
/// with a `GlueHandler` pair and leaves the pipeline.
///
/// A refused host is answered "not allowed by ruleset" before any connection
/// is tried, so the answer says nothing about what listens at the address. A
/// command other than CONNECT (BIND, UDP ASSOCIATE) is unsupported: the
/// browser never needs one, and UDP would pass the rule by.
///
/// Event-loop work is framing only; the check runs in a task of its own
/// (a name lookup must not stall the loop) and its answer comes back to the loop.
final class SOCKSConnectHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ClientMessage
    typealias OutboundOut = ServerMessage

    private let handshake: SOCKSServerHandshakeHandler
    private let pins: PinnedHosts
    private let logger: Logger

    init(handshake: SOCKSServerHandshakeHandler, pins: PinnedHosts, logger: Logger) {
        self.handshake = handshake
        self.pins = pins
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .greeting(let greeting):
            let method: AuthenticationMethod = greeting.methods.contains(.noneRequired) ? .noneRequired : .noneAcceptable
            context.writeAndFlush(wrapOutboundOut(.selectedAuthenticationMethod(SelectedAuthenticationMethod(method: method))), promise: nil)
            if method == .noneAcceptable { context.close(promise: nil) }
        case .request(let request):
            serve(request, context: context)
        case .authenticationData:
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    /// At close the handshake handler hands its leftover bytes on as it is
    /// removed; this handler reads only SOCKS messages, so it leaves first.
    func channelInactive(context: ChannelHandlerContext) {
        context.fireChannelInactive()
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    private func serve(_ request: SOCKSRequest, context: ChannelHandlerContext) {
        guard request.command == .connect else { return fail(.commandUnsupported, context: context) }
        let host: String
        let port: Int
        switch request.addressType {
        case .domain(let name, let namedPort):
            (host, port) = (name.lowercased(), namedPort)
        case .address(let address):
            guard let literal = address.ipAddress, let literalPort = address.port else { return fail(.addressUnsupported, context: context) }
            (host, port) = (literal, literalPort)
        }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        let pins = self.pins
        context.eventLoop.makeFutureWithTask { try await pins.addresses(of: host) }.whenComplete { result in
            let (handler, context) = bound.value
            guard context.channel.isActive else { return }
            switch result {
            case .success(let addresses):
                guard let address = addresses.first else { return handler.fail(.hostUnreachable, context: context) }
                handler.connect(to: address, port: port, context: context)
            case .failure(let error):
                handler.logger.info("browser connection refused", metadata: ["crawld.browser.host": "\(host)", "crawld.browser.reason": "\(error)"])
                handler.fail(.notAllowed, context: context)
            }
        }
    }

    private func connect(to address: IPAddress, port: Int, context: ChannelHandlerContext) {
        guard let target = try? SocketAddress(ipAddress: address.description, port: port) else {
            return fail(.addressUnsupported, context: context)
        }
        // The peer is on this loop too, so the glue pair calls across without hops.
        let (local, remote) = GlueHandler.matchedPair()
        let loopRemote = NIOLoopBound(remote, eventLoop: context.eventLoop)
        let bound = NIOLoopBound((self, context, local), eventLoop: context.eventLoop)
        ClientBootstrap(group: context.eventLoop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(loopRemote.value) }
            }
            .connect(to: target)
            .whenComplete { result in
                let (handler, context, local) = bound.value
                switch result {
                case .success(let peer):
                    handler.splice(context, local: local, peer: peer)
                case .failure:
                    if context.channel.isActive { handler.fail(.hostUnreachable, context: context) }
                }
            }
    }

    /// Tells the browser the tunnel is open and leaves the two glue handlers
    /// alone in the pipelines. The local glue goes in before the handshake
    /// handler leaves, so bytes the browser sent early (it may start TLS
    /// right after the reply) reach the peer.
    private func splice(_ context: ChannelHandlerContext, local: GlueHandler, peer: any Channel) {
        guard context.channel.isActive else {
            peer.close(promise: nil)
            return
        }
        let bound = peer.localAddress.map(SOCKSAddress.address) ?? placeholderAddress(context)
        context.writeAndFlush(wrapOutboundOut(.response(SOCKSResponse(reply: .succeeded, boundAddress: bound))), promise: nil)
        do {
            try context.pipeline.syncOperations.addHandler(local)
        } catch {
            peer.close(promise: nil)
            context.close(promise: nil)
            return
        }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        context.pipeline.syncOperations.removeHandler(handshake, promise: nil)
    }

    private func fail(_ reply: SOCKSServerReply, context: ChannelHandlerContext) {
        let response = SOCKSResponse(reply: reply, boundAddress: placeholderAddress(context))
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.response(response))).whenComplete { _ in channel.close(promise: nil) }
    }

    /// The proxy's own address: the reply needs one, and the browser ignores it.
    private func placeholderAddress(_ context: ChannelHandlerContext) -> SOCKSAddress {
        context.channel.localAddress.map(SOCKSAddress.address) ?? .domain("localhost", port: 0)
    }
}
