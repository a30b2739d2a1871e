package dev.engram;

import dev.engram.memory.Memory;
import java.util.List;

/** One page of {@link Engram#list}; {@code nextCursor} is {@code null} on the last page. Immutable. */
public record MemoryPage(List<Memory> memories, String nextCursor) {
    public MemoryPage {
        memories = List.copyOf(memories);
    }
}
