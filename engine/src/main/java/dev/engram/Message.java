package dev.engram;

import dev.engram.extraction.extract.Role;
import dev.engram.memory.Strings;
import dev.engram.memory.ValidationException;
import java.time.Instant;

/**
 * One conversation message handed to {@link Engram#ingest}. Immutable and thread-safe.
 *
 * <p>Bounds checked here: the content is well-formed text (no NUL, no unpaired surrogate), may be
 * empty but not null; the optional speaker name and turn id are at most {@value #MAX_NAME_LENGTH}
 * characters. The size limits of a message and of a request are options of the engine
 * ({@link EngramOptions#maxMessageBytes()}), checked by {@link Engram#ingest}.
 *
 * @param role      who wrote it
 * @param content   the text
 * @param name      the speaker's display name ("Caroline"), or {@code null}; memories then name the person
 * @param id        the caller's turn id, or {@code null} (Engram then numbers the turns of the ingestion);
 *                  memories cite it in their source
 * @param timestamp when it was written, or {@code null} for the time of the ingest call; relative
 *                  dates in the text ("yesterday") resolve against it
 */
public record Message(Role role, String content, String name, String id, Instant timestamp) {
    /** The longest speaker name or turn id, in characters. */
    public static final int MAX_NAME_LENGTH = 256;

    public Message {
        if (role == null) throw new ValidationException("role", "is missing (user, assistant, system or tool)");
        if (content == null) throw new ValidationException("content", "is missing");
        Strings.checkText("content", content);
        name = blankToNull(name);
        id = blankToNull(id);
        Strings.checkOptional("name", name, MAX_NAME_LENGTH);
        Strings.checkOptional("id", id, MAX_NAME_LENGTH);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    public static Message user(String content) {
        return new Message(Role.USER, content, null, null, null);
    }

    public static Message assistant(String content) {
        return new Message(Role.ASSISTANT, content, null, null, null);
    }

    public static Message system(String content) {
        return new Message(Role.SYSTEM, content, null, null, null);
    }

    public static Message tool(String content) {
        return new Message(Role.TOOL, content, null, null, null);
    }

    /** The same message with a speaker name. */
    public Message withName(String speaker) {
        return new Message(role, content, speaker, id, timestamp);
    }

    /** The same message with a turn id. */
    public Message withId(String turnId) {
        return new Message(role, content, name, turnId, timestamp);
    }

    /** The same message with a timestamp. */
    public Message at(Instant time) {
        return new Message(role, content, name, id, time);
    }
}
