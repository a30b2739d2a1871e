package dev.engram.internal.retrieval;

import dev.engram.memory.Memory;

/** A retrieved memory version, its final score, the parts of that score and its prompt cost in {@link TokenEstimator tokens}. */
public record ScoredMemory(Memory memory, double score, ScoreParts parts, int tokens) {}
