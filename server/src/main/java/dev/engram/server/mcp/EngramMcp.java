package dev.engram.server.mcp;

import dev.engram.server.MemoryService;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpStatelessServerFeatures;
import io.modelcontextprotocol.server.McpStatelessSyncServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * Builds Engram's MCP servers from the SDK: the HTTP one (stateless Streamable HTTP through
 * {@link McpHttpTransport}, mounted at {@code /mcp} by {@code EngramServer}) and the stdio one
 * ({@code engram mcp}). Both serve the same {@link MemoryTools}.
 */
public final class EngramMcp {
    public static final String NAME = "engram";
    public static final String VERSION = "0.1.0";
    static final String INSTRUCTIONS = "Long-term memory. Call search_memories (or get_context) with the user's id "
            + "before answering to recall what you know about them; call add_memory to remember a durable fact, "
            + "preference, event or procedure; update_memory or delete_memory to correct one.";

    private EngramMcp() {}

    /** The SDK's JSON mapper (its Jackson 3 binding). */
    public static McpJsonMapper mapper() {
        return McpJsonDefaults.getMapper();
    }

    /** An HTTP MCP server: the transport to route {@code POST /mcp} to, and the server to close. */
    public record Http(McpHttpTransport transport, McpStatelessSyncServer server) implements AutoCloseable {
        @Override
        public void close() {
            server.close();
        }
    }

    /**
     * The stateless HTTP MCP server over {@code service}. Tool calls run on the request's own
     * (virtual) thread; the caller's app comes from the transport context.
     */
    public static Http http(MemoryService service, boolean loopbackOriginsOnly) {
        McpJsonMapper mapper = mapper();
        McpHttpTransport transport = new McpHttpTransport(mapper, loopbackOriginsOnly);
        MemoryTools tools = new MemoryTools(service);
        List<McpStatelessServerFeatures.SyncToolSpecification> specs = tools.tools().stream()
                .map(t -> new McpStatelessServerFeatures.SyncToolSpecification(t,
                        (ctx, req) -> tools.call((String) ctx.get(McpHttpTransport.APP), req.name(), req.arguments())))
                .toList();
        McpStatelessSyncServer server = McpServer.sync(transport)
                .serverInfo(NAME, VERSION)
                .instructions(INSTRUCTIONS)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .jsonMapper(mapper)
                .immediateExecution(true)
                .validateToolInputs(false) // MemoryTools validates every argument, with the REST API's messages
                .tools(specs)
                .build();
        return new Http(transport, server);
    }

    /**
     * A stdio MCP server over {@code service}, every call in {@code app}: JSON-RPC lines read from
     * {@code in}, answers written to {@code out} (nothing else may write there). It serves until
     * {@code in} ends; then close it.
     */
    public static McpSyncServer stdio(MemoryService service, String app, InputStream in, OutputStream out) {
        McpJsonMapper mapper = mapper();
        MemoryTools tools = new MemoryTools(service);
        List<McpServerFeatures.SyncToolSpecification> specs = tools.tools().stream()
                .map(t -> McpServerFeatures.SyncToolSpecification.builder().tool(t)
                        .callHandler((exchange, req) -> tools.call(app, req.name(), req.arguments())).build())
                .toList();
        return McpServer.sync(new StdioServerTransportProvider(mapper, in, out))
                .serverInfo(NAME, VERSION)
                .instructions(INSTRUCTIONS)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
                .jsonMapper(mapper)
                .validateToolInputs(false)
                .tools(specs)
                .build();
    }
}
