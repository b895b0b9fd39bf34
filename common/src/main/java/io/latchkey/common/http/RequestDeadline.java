package io.latchkey.common.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A deadline on each request's arrival, in the connection's Netty pipeline. The clock starts when the connection
 * opens and again with the first byte of each later request, and stops when the request's last byte is decoded.
 * Past the deadline a request that has begun is answered {@code 408} (RFC 9110 §15.5.9) and the connection closed;
 * a connection that never sent a byte is closed silently. The idle timeout cannot do this: a client that trickles
 * a byte every few seconds is never idle.
 *
 * <p>Two handlers share the state: one before the HTTP decoder sees raw bytes (a request has begun) and the bytes
 * written (a response has begun); one after it sees the decoded request end, and answers {@code 505} (RFC 9110
 * §15.6.6) to an HTTP version other than 1.x, which Vert.x would answer 501. A later 1.x minor version is served as
 * HTTP/1.1, as RFC 9112 §2.3 asks.
 */
final class RequestDeadline extends ChannelDuplexHandler {
    private static final String DECODER = "httpDecoder";

    private final long timeoutNanos;
    private ScheduledFuture<?> timer;
    private boolean requestBegun;
    private boolean responseBegun;

    private RequestDeadline(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    /** Installs the deadline on a new HTTP/1 connection; a pipeline without Vert.x's decoder is left alone. */
    static void install(Channel channel, Duration timeout) {
        ChannelPipeline pipeline = channel.pipeline();
        if (pipeline.get(DECODER) == null) {
            return;
        }
        RequestDeadline deadline = new RequestDeadline(timeout);
        pipeline.addBefore(DECODER, "latchkeyRequestDeadline", deadline);
        pipeline.addAfter(DECODER, "latchkeyRequestEnd", deadline.new RequestEnd());
        deadline.start(pipeline.context(deadline));
    }

    private void start(ChannelHandlerContext ctx) {
        responseBegun = false;
        timer = ctx.executor().schedule(() -> expire(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        requestBegun = false;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
            if (timer == null) {
                start(ctx);
            }
            requestBegun = true;
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        responseBegun = true;
        super.write(ctx, msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        stop();
        super.channelInactive(ctx);
    }

    private void expire(ChannelHandlerContext ctx) {
        timer = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        if (requestBegun && !responseBegun) {
            ctx.writeAndFlush(response(
                            "408 Request Timeout", "the request did not arrive in full within the time allowed"))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }

    /** A complete HTTP/1.1 response with an RFC 6749-style body, written below the encoder, closing the connection. */
    private static ByteBuf response(String status, String description) {
        String body = "{\"error\":\"invalid_request\",\"error_description\":\"" + description + "\"}";
        String head = "HTTP/1.1 " + status + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Cache-Control: no-store\r\n"
                + "Connection: close\r\n"
                + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n";
        return Unpooled.copiedBuffer(head + body, StandardCharsets.UTF_8);
    }

    /** After the decoder: the request's end stops the clock; an unsupported version is answered 505. */
    private final class RequestEnd extends ChannelInboundHandlerAdapter {
        private boolean rejected;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (rejected) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof HttpRequest request && request.decoderResult().isSuccess()) {
                HttpVersion version = request.protocolVersion();
                if (version.majorVersion() != 1) {
                    rejected = true;
                    ReferenceCountUtil.release(msg);
                    stop();
                    ctx.writeAndFlush(
                                    response("505 HTTP Version Not Supported", "only HTTP/1.0 and HTTP/1.1 are served"))
                            .addListener(ChannelFutureListener.CLOSE);
                    return;
                }
                if (version.minorVersion() > 1) {
                    request.setProtocolVersion(HttpVersion.HTTP_1_1);
                }
            }
            if (msg instanceof LastHttpContent) {
                stop();
            }
            super.channelRead(ctx, msg);
        }
    }
}
