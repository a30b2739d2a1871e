package dev.engram.server.cli;

import dev.engram.Engram;
import dev.engram.server.ApiKeys;
import dev.engram.server.MemoryService;
import dev.engram.server.mcp.EngramMcp;
import io.modelcontextprotocol.server.McpSyncServer;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code engram mcp}: an MCP server on standard input and output (the transport an MCP client
 * such as Claude Desktop starts as a child process) over a local data directory opened with the
 * embedded engine. Standard output carries only JSON-RPC: everything else the process prints
 * (logs, warnings) goes to standard error. Serves until standard input ends, then closes the
 * engine; a data directory can be open in one process at a time, so stop {@code engram serve}
 * on the same directory first (the engine's lock on {@code <data>/engram.lock} refuses a second open).
 */
@Command(name = "mcp", mixinStandardHelpOptions = true,
        description = "Serve the memory tools over MCP on stdin/stdout, on a local data directory.")
public final class McpCommand implements java.util.concurrent.Callable<Integer> {
    private static final Pattern APP = Pattern.compile(ApiKeys.APP_PATTERN);

    @Option(names = "--data", defaultValue = "${env:ENGRAM_DATA:-engram-data}", description = "data directory (env ENGRAM_DATA, default ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--app", defaultValue = "${env:ENGRAM_APP:-" + ApiKeys.DEFAULT_APP + "}",
            description = "the app whose users the tools act on: user_id alice is the engine user alice@<app>, as over "
                    + "HTTP with a key of that app (env ENGRAM_APP, default ${DEFAULT-VALUE}, the app of a server without keys)")
    String app;

    @Option(names = "--durability", defaultValue = "sync", description = "sync (default), interval:50ms or none")
    String durability;

    @Override
    public Integer call() {
        PrintStream protocol = System.out;
        System.setOut(System.err); // stdout is the protocol channel; stray prints go to stderr
        if (!APP.matcher(app).matches()) {
            System.err.println("engram mcp: --app must match " + ApiKeys.APP_PATTERN);
            return 2;
        }
        dev.engram.wal.Durability durable;
        try {
            durable = Durabilities.parse(durability);
        } catch (IllegalArgumentException e) {
            System.err.println("engram mcp: " + e.getMessage());
            return 2;
        }
        Engram engram;
        try {
            engram = Engram.builder(data).durability(durable).open(); // takes <data>/engram.lock: a second open is refused
        } catch (dev.engram.DataDirectoryInUseException e) {
            System.err.println("engram mcp: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            System.err.println("engram mcp: cannot open " + data + ": " + e.getMessage());
            return 1;
        }
        System.err.println("engram mcp: serving app '" + app + "' from " + data.toAbsolutePath().normalize() + " on stdin/stdout");
        try {
            return serve(engram, app, new FileInputStream(FileDescriptor.in), protocol);
        } catch (RuntimeException e) {
            engram.close();
            throw e;
        }
    }

    /** Serves until {@code in} ends, then closes the server and {@code engram}. */
    static int serve(Engram engram, String app, InputStream in, OutputStream out) {
        CountDownLatch ended = new CountDownLatch(1);
        McpSyncServer server;
        try {
            server = EngramMcp.stdio(MemoryService.of(engram), app, new EndSignal(in, ended), out);
        } catch (RuntimeException e) {
            engram.close();
            System.err.println("engram mcp: cannot start: " + e.getMessage());
            return 1;
        }
        Thread hook = new Thread(() -> closeQuietly(server, engram), "engram-mcp-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            ended.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(server, engram);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook closes (idempotently)
        }
        return 0;
    }

    private static void closeQuietly(McpSyncServer server, Engram engram) {
        try {
            server.closeGracefully();
        } catch (RuntimeException e) {
            System.err.println("engram mcp: closing the MCP server: " + e.getMessage());
        } finally {
            engram.close();
        }
    }

    /** Counts a latch down when the stream ends (or fails): the client went away. */
    private static final class EndSignal extends FilterInputStream {
        private final CountDownLatch ended;

        EndSignal(InputStream in, CountDownLatch ended) {
            super(in);
            this.ended = ended;
        }

        @Override
        public int read() throws IOException {
            try {
                return check(super.read());
            } catch (IOException e) {
                ended.countDown();
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return check(super.read(b, off, len));
            } catch (IOException e) {
                ended.countDown();
                throw e;
            }
        }

        private int check(int n) {
            if (n < 0) ended.countDown();
            return n;
        }

        @Override
        public void close() throws IOException {
            ended.countDown();
            super.close();
        }
    }
}
