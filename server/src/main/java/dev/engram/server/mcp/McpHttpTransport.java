package dev.engram.server.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.engram.server.Json;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpStatelessServerHandler;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * The MCP SDK's stateless Streamable HTTP server transport, for a server that is neither a
 * servlet container nor WebFlux (the SDK ships only those): one JSON-RPC message per
 * {@code POST /mcp}, answered with one {@code application/json} response (a request) or
 * {@code 202} with no body (a notification). No sessions and no server-to-client stream, so a
 * {@code GET /mcp} is 405 (the SDK's client then works without a stream), and every request
 * carries its own credentials: the HTTP layer authenticates it exactly as a REST call and hands
 * {@link #post} the caller's app, which reaches the tools through the {@link McpTransportContext}
 * under {@link #APP}.
 *
 * <p>Independent of the HTTP server: {@link #post} takes the request's headers and body and
 * returns the status and body to send. Thread-safe; {@link #post} blocks its (virtual) thread
 * until the handler answers.
 */
public final class McpHttpTransport implements McpStatelessServerTransport {
    /** The transport-context key holding the caller's app. */
    public static final String APP = "engram.app";

    private static final System.Logger LOG = System.getLogger(McpHttpTransport.class.getName());

    /** What to answer: a status and a JSON body ({@code null}: none). */
    public record Reply(int status, byte[] body) {}

    private final McpJsonMapper mapper;
    private final boolean loopbackOriginsOnly;
    private volatile McpStatelessServerHandler handler;
    private volatile boolean closing;

    /**
     * @param loopbackOriginsOnly refuse (403) a request whose {@code Origin} is not a loopback
     *        address: set when the server has no API keys, so a web page cannot reach an open
     *        loopback server through the user's browser (DNS rebinding)
     */
    public McpHttpTransport(McpJsonMapper mapper, boolean loopbackOriginsOnly) {
        this.mapper = mapper;
        this.loopbackOriginsOnly = loopbackOriginsOnly;
    }

    @Override
    public void setMcpHandler(McpStatelessServerHandler handler) {
        this.handler = handler;
    }

    @Override
    public Mono<Void> closeGracefully() {
        return Mono.fromRunnable(() -> closing = true);
    }

    /**
     * Serves one {@code POST /mcp} of an authenticated caller.
     *
     * @param app    the caller's app (from its API key, or the open server's single app)
     * @param header the request's header values by name (case-insensitive), absent as null
     * @param body   the request body (already bounded by the server's body limit)
     */
    public Reply post(String app, Function<String, String> header, byte[] body) {
        if (closing) return error(503, null, McpSchema.ErrorCodes.INTERNAL_ERROR, "the server is shutting down");
        String origin = header.apply("Origin");
        if (loopbackOriginsOnly && origin != null && !loopback(origin)) {
            return error(403, null, McpSchema.ErrorCodes.INVALID_REQUEST,
                    "origin " + clean(origin) + " may not call a server without API keys");
        }
        String accept = header.apply("Accept");
        if (accept != null && !acceptsJson(accept)) {
            return error(406, null, McpSchema.ErrorCodes.INVALID_REQUEST, "this server answers application/json; accept it");
        }
        String type = header.apply("Content-Type");
        if (type == null || !type.split(";", 2)[0].strip().equalsIgnoreCase("application/json")) {
            return error(415, null, McpSchema.ErrorCodes.INVALID_REQUEST, "send the JSON-RPC message as application/json");
        }
        String version = header.apply("MCP-Protocol-Version");
        if (version != null && !protocolVersions().contains(version)) {
            return error(400, null, McpSchema.ErrorCodes.INVALID_REQUEST, "unsupported MCP-Protocol-Version " + clean(version)
                    + " (supported: " + String.join(", ", protocolVersions()) + ")");
        }
        McpSchema.JSONRPCMessage message;
        try {
            String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(body)).toString();
            message = McpSchema.deserializeJsonRpcMessage(mapper, text);
        } catch (CharacterCodingException e) {
            return error(400, null, McpSchema.ErrorCodes.PARSE_ERROR, "the body is not valid UTF-8");
        } catch (IOException | RuntimeException e) {
            return error(400, null, McpSchema.ErrorCodes.PARSE_ERROR, "not a JSON-RPC message: " + clean(e.getMessage()));
        }
        McpTransportContext context = McpTransportContext.create(Map.of(APP, app));
        McpStatelessServerHandler h = handler;
        if (h == null) return error(503, null, McpSchema.ErrorCodes.INTERNAL_ERROR, "the MCP server is not started");
        return switch (message) {
            case McpSchema.JSONRPCRequest request -> {
                String invalid = invalidParams(request);
                if (invalid != null) yield error(200, request.id(), McpSchema.ErrorCodes.INVALID_PARAMS, invalid);
                try {
                    McpSchema.JSONRPCResponse response = h.handleRequest(context, request)
                            .contextWrite(c -> c.put(McpTransportContext.KEY, context))
                            .block();
                    yield json(200, response);
                } catch (McpError e) {
                    yield json(200, McpSchema.JSONRPCResponse.error(request.id(), e.getJsonRpcError()));
                } catch (IllegalArgumentException | ClassCastException e) {
                    // the SDK could not bind the params to the method's request type
                    yield error(200, request.id(), McpSchema.ErrorCodes.INVALID_PARAMS,
                            "invalid params for " + clean(request.method()) + ": " + clean(rootMessage(e)));
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "MCP request " + clean(request.method()) + " failed", e);
                    yield error(500, request.id(), McpSchema.ErrorCodes.INTERNAL_ERROR, "internal error (logged by the server)");
                }
            }
            case McpSchema.JSONRPCNotification notification -> {
                try {
                    h.handleNotification(context, notification)
                            .contextWrite(c -> c.put(McpTransportContext.KEY, context))
                            .block();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "MCP notification " + clean(notification.method()) + " failed: " + e);
                }
                yield new Reply(202, null);
            }
            default -> error(400, null, McpSchema.ErrorCodes.INVALID_REQUEST,
                    "this server accepts requests and notifications, not responses");
        };
    }

    /**
     * Why a request's params cannot be what its method needs, or null. Checked here for the tool
     * call (the one method with caller-shaped params) so a client gets a message naming the field.
     */
    static String invalidParams(McpSchema.JSONRPCRequest request) {
        if (!McpSchema.METHOD_TOOLS_CALL.equals(request.method())) return null;
        if (!(request.params() instanceof Map<?, ?> params)) return "params: expected an object with name and arguments";
        if (!(params.get("name") instanceof String)) return "params.name: expected the tool's name as a string";
        Object arguments = params.get("arguments");
        if (arguments != null && !(arguments instanceof Map)) return "params.arguments: expected an object";
        return null;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String m = root.getMessage();
        return m == null ? root.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    private Reply json(int status, Object value) {
        try {
            return new Reply(status, mapper.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize an MCP response", e);
        }
    }

    /** A JSON-RPC error answer; written by hand because the SDK's response type refuses a null id (parse errors have none). */
    private static Reply error(int status, Object id, int code, String message) {
        ObjectNode o = Json.object().put("jsonrpc", McpSchema.JSONRPC_VERSION);
        o.set("id", Json.MAPPER.valueToTree(id));
        o.putObject("error").put("code", code).put("message", message);
        return new Reply(status, Json.bytes(o));
    }

    private static boolean acceptsJson(String accept) {
        String a = accept.toLowerCase(Locale.ROOT);
        return a.contains("application/json") || a.contains("*/*") || a.contains("application/*");
    }

    /** An Origin whose host is localhost or a loopback address literal ({@code null} origins are not loopback). */
    static boolean loopback(String origin) {
        String host;
        try {
            host = URI.create(origin.strip()).getHost();
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (host == null) return false;
        host = host.toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        return host.equals("localhost") || host.equals("::1") || host.matches("127(\\.\\d{1,3}){3}");
    }

    private static String clean(String s) {
        if (s == null) return "unreadable";
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 200));
        for (int i = 0; i < s.length() && sb.length() < 200; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        return sb.toString();
    }
}
