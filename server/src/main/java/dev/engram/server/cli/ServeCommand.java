package dev.engram.server.cli;

import dev.engram.Engram;
import dev.engram.EngramOptions;
import dev.engram.extraction.extract.OpenAiCompatibleConfig;
import dev.engram.extraction.extract.OpenAiCompatibleExtractor;
import dev.engram.server.ApiKeys;
import dev.engram.server.EngramServer;
import dev.engram.server.ServerConfig;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code engram serve}: opens the data directory and serves the REST API until SIGTERM/SIGINT.
 * The first signal stops accepting, lets requests in flight finish, and closes the engine
 * (workers stop, WAL checkpoint); a second signal exits at once (acknowledged ingestions are in
 * the WAL and are replayed at the next start).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the HTTP server.")
public final class ServeCommand implements Callable<Integer> {
    static final AtomicBoolean RUNNING = new AtomicBoolean();
    /** The server started by the last {@code serve} in this JVM (tests stop it through this). */
    static final java.util.concurrent.atomic.AtomicReference<EngramServer> STARTED = new java.util.concurrent.atomic.AtomicReference<>();
    /** Tests running {@code serve} in-process leave the JVM's signal handling alone. */
    static volatile boolean handleSignals = true;

    @Option(names = "--port", defaultValue = "${env:ENGRAM_PORT:-7070}", description = "port (env ENGRAM_PORT, default ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--bind", defaultValue = "${env:ENGRAM_BIND:-127.0.0.1}", description = "address (env ENGRAM_BIND, default ${DEFAULT-VALUE})")
    String bind;

    @Option(names = "--data", defaultValue = "${env:ENGRAM_DATA:-engram-data}", description = "data directory (env ENGRAM_DATA, default ${DEFAULT-VALUE})")
    Path data;

    @Option(names = "--api-keys-file", description = "keys file, one 'key app [admin]' per line (or env ENGRAM_API_KEYS with the same entries separated by commas)")
    Path keysFile;

    @Option(names = "--extractor", defaultValue = "rules", description = "rules (offline, default) or openai (any OpenAI-compatible endpoint)")
    String extractor;

    @Option(names = "--llm-url", description = "API root for --extractor openai, e.g. http://localhost:11434/v1")
    URI llmUrl;

    @Option(names = "--llm-model", description = "model name for --extractor openai")
    String llmModel;

    @Option(names = "--durability", defaultValue = "sync", description = "sync (default), interval:50ms or none")
    String durability;

    @Option(names = "--max-body-bytes", defaultValue = "1048576", description = "largest request body (default ${DEFAULT-VALUE})")
    long maxBody;

    @Option(names = "--master-key-file", defaultValue = "${env:ENGRAM_MASTER_KEY_FILE}", description = "encrypt every user's data "
            + "(crypto-shredding) with per-user keys wrapped by the 32-byte key in this file (env ENGRAM_MASTER_KEY_FILE; or the key "
            + "itself, hex or Base64, in env ENGRAM_MASTER_KEY). Only for a new data directory.")
    Path masterKeyFile;

    @Option(names = "--key-store", defaultValue = "${env:ENGRAM_KEY_STORE}", description = "directory of the wrapped per-user keys "
            + "(env ENGRAM_KEY_STORE; default: <data>.keys beside the data directory, never inside it)")
    Path keyStore;

    @Override
    public Integer call() {
        PrintStream out = System.out;
        ServerConfig config;
        EngramOptions.Builder options;
        try {
            config = new ServerConfig(bind, port, keys(), maxBody);
            config.check(); // before opening anything: an unsafe setup touches no data
            options = Engram.builder(data).durability(Durabilities.parse(durability));
            String masterKey = System.getenv("ENGRAM_MASTER_KEY");
            if (masterKeyFile != null) options.masterKey(masterKeyFile);
            else if (masterKey != null && !masterKey.isBlank()) options.encryption(dev.engram.Encryption.key(masterKey));
            if (keyStore != null) options.keyStore(keyStore); // refused without a master key
            switch (extractor) {
                case "rules" -> { }
                case "openai" -> {
                    if (llmUrl == null || llmModel == null) throw new IllegalArgumentException("--extractor openai needs --llm-url and --llm-model");
                    String key = System.getenv("ENGRAM_LLM_API_KEY");
                    options.extractor(new OpenAiCompatibleExtractor(OpenAiCompatibleConfig.builder(llmUrl, llmModel)
                            .apiKey(key == null || key.isBlank() ? null : key).build()));
                }
                default -> throw new IllegalArgumentException("--extractor must be rules or openai, was '" + extractor + "'");
            }
        } catch (IllegalArgumentException | IllegalStateException | java.io.IOException e) {
            System.err.println("engram serve: " + e.getMessage());
            return 2;
        }
        EngramServer server;
        try {
            Files.createDirectories(data);
            Engram engram = options.open();
            try {
                server = EngramServer.start(engram, true, config);
            } catch (RuntimeException e) {
                engram.close();
                throw e;
            }
        } catch (IllegalArgumentException | dev.engram.EncryptionKeyException e) {
            System.err.println("engram serve: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("engram serve: cannot start: " + e.getMessage());
            return 1;
        }
        RUNNING.set(true);
        STARTED.set(server);
        if (handleSignals) installSignals(server);
        String host = bind.contains(":") ? "[" + bind + "]" : bind;
        String url = "http://" + host + ":" + server.port();
        String auth = config.keys().isEmpty() ? "" : " -H 'Authorization: Bearer <key>'";
        out.println("Engram listening on " + url + (config.keys().isEmpty() ? " (no API keys: loopback only, app 'default')" : ""));
        out.println("Data directory: " + data.toAbsolutePath().normalize());
        out.println("Try:");
        out.println("  curl -s -X POST " + url + "/v1/users/alice/turns" + auth + " -H 'Content-Type: application/json' \\");
        out.println("       -d '{\"messages\":[{\"role\":\"user\",\"content\":\"I moved to Lisbon and I am vegetarian.\"}]}'");
        out.println("  curl -s -X POST " + url + "/v1/users/alice/memories/search" + auth + " -H 'Content-Type: application/json' \\");
        out.println("       -d '{\"query\":\"where does alice live?\",\"consistency\":\"session\"}'");
        out.println("Stop with Ctrl-C (a second Ctrl-C exits at once).");
        out.flush();
        return 0;
    }

    private ApiKeys keys() throws java.io.IOException {
        if (keysFile != null) return ApiKeys.fromFile(keysFile);
        String env = System.getenv("ENGRAM_API_KEYS");
        return env == null || env.isBlank() ? ApiKeys.none() : ApiKeys.parse(env, "ENGRAM_API_KEYS");
    }

    /** First TERM/INT: graceful close then exit 0; second: halt. */
    @SuppressWarnings("restriction")
    private static void installSignals(EngramServer server) {
        AtomicInteger signals = new AtomicInteger();
        sun.misc.SignalHandler handler = sig -> {
            if (signals.incrementAndGet() > 1) {
                System.err.println("engram: second signal, exiting now (acknowledged ingestions are in the WAL)");
                Runtime.getRuntime().halt(130);
            }
            Thread.ofPlatform().name("engram-shutdown").daemon(false).start(() -> {
                System.err.println("engram: shutting down (stop accepting, finish requests, close the engine)…");
                int code = 0;
                try {
                    server.close();
                    System.err.println("engram: stopped cleanly");
                } catch (RuntimeException e) {
                    System.err.println("engram: close failed: " + e.getMessage());
                    code = 1;
                }
                System.exit(code);
            });
        };
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), handler);
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), handler);
    }
}
