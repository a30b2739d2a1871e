package dev.engram;

import java.util.List;

/**
 * The answer to a {@link RetrieveRequest}: the memories, best first, and their total estimated
 * tokens (never above the request's budget). Immutable.
 */
public record Retrieval(List<RetrievedMemory> memories, int totalTokens) {
    public Retrieval {
        memories = List.copyOf(memories);
    }
}
