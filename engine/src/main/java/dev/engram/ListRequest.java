package dev.engram;

import dev.engram.memory.MemoryStatus;
import dev.engram.memory.MemoryType;
import dev.engram.memory.UserId;
import dev.engram.memory.ValidationException;

/**
 * A page of a user's memories for {@link Engram#list}, oldest first (by memory id, which is
 * time-ordered). Immutable.
 *
 * @param user     whose memories
 * @param type     only this type, or {@code null}
 * @param category only memories with this category, or {@code null}
 * @param status   only this status ({@code null}: ACTIVE)
 * @param limit    page size, 1..{@value #MAX_LIMIT}
 * @param cursor   the {@link MemoryPage#nextCursor()} of the previous page, or {@code null} for the first
 */
public record ListRequest(UserId user, MemoryType type, String category, MemoryStatus status, int limit, String cursor) {
    public static final int MAX_LIMIT = 1000;

    public ListRequest {
        if (user == null) throw new ValidationException("user", "is missing");
        if (limit < 1 || limit > MAX_LIMIT) throw new ValidationException("limit", "must be in 1.." + MAX_LIMIT + ", was " + limit);
        if (status == null) status = MemoryStatus.ACTIVE;
    }

    public static ListRequest of(UserId user) {
        return new ListRequest(user, null, null, MemoryStatus.ACTIVE, 100, null);
    }

    public ListRequest type(MemoryType t) {
        return new ListRequest(user, t, category, status, limit, cursor);
    }

    public ListRequest category(String c) {
        return new ListRequest(user, type, c, status, limit, cursor);
    }

    public ListRequest status(MemoryStatus s) {
        return new ListRequest(user, type, category, s, limit, cursor);
    }

    public ListRequest limit(int n) {
        return new ListRequest(user, type, category, status, n, cursor);
    }

    public ListRequest cursor(String c) {
        return new ListRequest(user, type, category, status, limit, c);
    }
}
