package dev.engram.bench.locomo;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** LoCoMo session dates ("1:56 pm on 8 May, 2023") as instants, read as UTC. Stateless. */
public final class SessionTime {
    private static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .appendPattern("h:mm a 'on' d MMMM, yyyy").toFormatter(Locale.ENGLISH);

    private SessionTime() {}

    /** The session's date and time; {@code fallback} when the text is empty or not in the format. */
    public static Instant parse(String text, Instant fallback) {
        if (text == null || text.isBlank()) return fallback;
        try {
            return LocalDateTime.parse(text.trim(), FORMAT).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return fallback;
        }
    }
}
