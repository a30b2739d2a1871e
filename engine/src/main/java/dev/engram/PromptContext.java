package dev.engram;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * Formats retrieved memories as a prompt section. Stateless.
 *
 * <pre>{@code
 * String system = PromptContext.format("You are a helpful assistant.", engram.retrieve(request).memories());
 * // You are a helpful assistant.
 * //
 * // What you know about this user (most relevant first):
 * // - The user is vegetarian.
 * // - Caroline went to a LGBTQ support group. (2023-05-07)
 * }</pre>
 */
public final class PromptContext {
    /** The heading placed before the memories. */
    public static final String HEADING = "What you know about this user (most relevant first):";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

    private PromptContext() {}

    /**
     * {@code baseInstructions} (may be null or empty), a blank line, the heading and one line per
     * memory; with no memories, just {@code baseInstructions}.
     */
    public static String format(String baseInstructions, List<RetrievedMemory> memories) {
        StringBuilder sb = new StringBuilder();
        if (baseInstructions != null && !baseInstructions.isBlank()) sb.append(baseInstructions.strip());
        if (memories.isEmpty()) return sb.toString();
        if (!sb.isEmpty()) sb.append("\n\n");
        sb.append(HEADING);
        for (RetrievedMemory m : memories) sb.append('\n').append(line(m));
        return sb.toString();
    }

    /** The line for one memory: {@code "- "}, its text, and its event day when it has one. */
    public static String line(RetrievedMemory m) {
        String text = m.memory().content().replace('\n', ' ').strip();
        return m.memory().eventTime() == null ? "- " + text : "- " + text + " (" + DAY.format(m.memory().eventTime()) + ")";
    }

    /**
     * Estimated tokens of a text: {@code ceil(characters / 4)}, the estimator every budget in
     * Engram uses (docs/retrieval.md). Deliberately model-independent; about right for English
     * with GPT-style tokenizers.
     */
    public static int tokens(String text) {
        return (text.length() + 3) / 4;
    }
}
