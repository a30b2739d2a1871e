package dev.engram.extraction.extract;

/** Who wrote a conversation turn. In a chat between two people both may be {@link #USER} or {@link #ASSISTANT}. */
public enum Role {
    USER,
    ASSISTANT,
    SYSTEM,
    TOOL
}
