package dev.engram;

import dev.engram.memory.Memory;

/**
 * A memory returned by {@link Engram#retrieve}: the current version, its score and the parts of
 * the score, and the tokens it takes in a prompt. Immutable.
 */
public record RetrievedMemory(Memory memory, double score, ScoreParts parts, int tokens) {}
