package dev.engram.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.engram.Engram;
import dev.engram.ImportFormatException;
import dev.engram.IngestReceipt;
import dev.engram.IngestRequest;
import dev.engram.Message;
import dev.engram.Retrieval;
import dev.engram.RetrieveRequest;
import dev.engram.extraction.extract.Role;
import dev.engram.memory.UserId;
import dev.engram.server.Tenancy;
import dev.engram.server.Views;
import dev.engram.wal.Durability;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The embedded engine on a data directory, users named as the server names them
 * ({@code <user>@<app>}, {@link Tenancy}). Opening takes a few seconds (WAL replay, embedding
 * model); {@link #close} checkpoints. Ingestions are always applied before {@code ingest}
 * returns: nothing would extract them after the command exits (until the next open).
 */
final class LocalBackend implements Backend {
    private static final JsonMapper JSON = new JsonMapper();
    private final Engram engram;
    private final String app;
    private final Path data;

    private LocalBackend(Engram engram, String app, Path data) {
        this.engram = engram;
        this.app = app;
        this.data = data;
    }

    static LocalBackend open(Path data, String app, Durability durability) {
        if (Files.exists(data) && !Files.isDirectory(data)) throw new CliException(data + " is not a directory");
        try {
            Files.createDirectories(data);
            return new LocalBackend(Engram.builder(data).durability(durability).open(), app, data);
        } catch (java.io.IOException | RuntimeException e) {
            throw new CliException("cannot open the data directory " + data + ": " + e.getMessage()
                    + " (is a server running on it? one process per data directory)", e);
        }
    }

    private UserId user(String user) {
        try {
            return Tenancy.user(user, app);
        } catch (IllegalArgumentException e) {
            throw new CliException("--user: " + e.getMessage().replaceFirst("^user_id: ", ""));
        }
    }

    @Override
    public JsonNode ingest(String user, String session, List<Msg> messages, boolean wait) {
        List<Message> ms = new ArrayList<>();
        for (Msg m : messages) {
            Role role = switch (m.role()) {
                case "user" -> Role.USER;
                case "assistant" -> Role.ASSISTANT;
                case "system" -> Role.SYSTEM;
                case "tool" -> Role.TOOL;
                default -> throw new CliException("--role must be user, assistant, system or tool, was '" + m.role() + "'");
            };
            ms.add(new Message(role, m.content(), m.name(), m.id(), m.timestamp()));
        }
        IngestReceipt r = engram.ingest(IngestRequest.of(user(user), session, ms).waitingForApply());
        ObjectNode o = r.status() != null ? Views.ingestion(r.status()) : JSON.createObjectNode().put("ingestion_id", r.ingestionId());
        o.put("replayed", r.replayed());
        return o;
    }

    @Override
    public JsonNode search(String user, String query, int limit, int tokenBudget, boolean sessionConsistent) {
        RetrieveRequest r = RetrieveRequest.of(user(user), query).limit(limit);
        if (tokenBudget > 0) r = r.tokenBudget(tokenBudget);
        if (sessionConsistent) r = r.sessionConsistent();
        Retrieval result = engram.retrieve(r);
        ObjectNode o = JSON.createObjectNode();
        o.set("memories", Views.retrievedList(result.memories()));
        o.put("total_tokens", result.totalTokens());
        return o;
    }

    @Override
    public long export(String user, boolean allVersions, OutputStream out) {
        return engram.export(user(user), allVersions, out);
    }

    @Override
    public long importLines(String user, byte[] ndjson) throws ImportLineException {
        try {
            return engram.importUser(user(user), new ByteArrayInputStream(ndjson));
        } catch (ImportFormatException e) {
            String m = e.getMessage();
            int at = m.indexOf("line " + e.line() + ": ");
            throw new ImportLineException(e.line(), at >= 0 ? m.substring(at + ("line " + e.line() + ": ").length()) : m);
        }
    }

    @Override
    public JsonNode purge(String user) {
        return Views.purgeReceipt(engram.purge(user(user)));
    }

    @Override
    public String where() {
        return "data directory " + data.toAbsolutePath().normalize() + " (app " + app.toLowerCase(Locale.ROOT) + ")";
    }

    @Override
    public void close() {
        engram.close();
    }
}
