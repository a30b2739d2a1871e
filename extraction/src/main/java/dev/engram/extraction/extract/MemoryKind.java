package dev.engram.extraction.extract;

/**
 * The four kinds of memory an extractor produces. The engine maps them onto its own domain type.
 *
 * <ul>
 *   <li>{@link #FACT}: a stable attribute or state ("Caroline lives in Boston").
 *   <li>{@link #PREFERENCE}: a like, dislike or favourite ("The user dislikes cilantro").
 *   <li>{@link #EVENT}: something that happened or is planned, usually with a time
 *       ("Melanie ran a charity race on 20 May 2023").
 *   <li>{@link #PROCEDURAL}: an instruction about how the agent should behave
 *       ("The user wants answers in metric units").
 * </ul>
 */
public enum MemoryKind {
    FACT,
    PREFERENCE,
    EVENT,
    PROCEDURAL
}
