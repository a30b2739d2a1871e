package dev.engram.extraction.internal.extract;

import java.util.Objects;

/**
 * Whom a memory is about: a named speaker ("Caroline", slot prefix {@code person.caroline}) or the
 * unnamed user ("the user", slot prefix {@code user}). Two named people in one user's store (a
 * conversation between friends) keep separate slots this way. Immutable and thread-safe.
 *
 * @param name       the display name used in memory text ("Caroline" or "the user")
 * @param named      whether {@code name} is a real name
 * @param slotPrefix the first segments of this subject's slot keys
 */
public record Subject(String name, boolean named, String slotPrefix) {

    public Subject {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(slotPrefix, "slotPrefix");
    }

    /** The subject for a turn's speaker name (null for the unnamed user). */
    public static Subject of(String speaker) {
        if (speaker == null || speaker.isBlank()) {
            return new Subject("the user", false, "user");
        }
        String name = TextCleaner.clean(speaker).strip();
        return new Subject(name, true, "person." + Lexicon.slug(name));
    }

    /** The name at the start of a sentence ("The user", "Caroline"). */
    public String sentenceName() {
        return TextCleaner.capitalize(name);
    }

    /** "Caroline's", "the user's", "James's". */
    public String possessive() {
        return name + "'s";
    }

    /** A slot key under this subject: {@code slot("location")} is {@code user.location}. */
    public String slot(String attribute) {
        return slotPrefix + "." + attribute;
    }
}
