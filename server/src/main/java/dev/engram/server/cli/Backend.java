package dev.engram.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;

/**
 * What the CLI commands do, against a local data directory ({@link LocalBackend}, the embedded
 * engine) or a running server ({@link RemoteBackend}, the REST API). Both answer with the JSON the
 * REST API documents, so a command prints the same either way. Failures are {@link CliException}
 * (the message says what is wrong). One thread at a time.
 */
interface Backend extends AutoCloseable {
    /** One conversation message. Null fields are left out. */
    record Msg(String role, String content, String name, String id, Instant timestamp) {}

    /** Ingests one request; with {@code wait}, answers once extraction applied it. */
    JsonNode ingest(String user, String session, List<Msg> messages, boolean wait) throws Exception;

    /** The search answer: {@code {memories: [...], total_tokens}}. {@code tokenBudget} 0: none. */
    JsonNode search(String user, String query, int limit, int tokenBudget, boolean sessionConsistent) throws Exception;

    /** Writes the user's export (format engram.export/1) to {@code out}; returns the lines written. */
    long export(String user, boolean allVersions, OutputStream out) throws Exception;

    /**
     * Imports NDJSON lines (a whole number of lines) into the user; returns the versions imported.
     *
     * @throws ImportLineException a bad line (numbered from 1 in {@code ndjson}); the lines before it were imported
     */
    long importLines(String user, byte[] ndjson) throws Exception;

    /** Purges the user; returns the receipt. */
    JsonNode purge(String user) throws Exception;

    /** Where this backend works, for messages. */
    String where();

    @Override
    void close();

    /** A bad import line: its 1-based number within the batch, and what is wrong. */
    final class ImportLineException extends Exception {
        private static final long serialVersionUID = 1L;
        final long line;

        ImportLineException(long line, String message) {
            super(message);
            this.line = line;
        }
    }
}
