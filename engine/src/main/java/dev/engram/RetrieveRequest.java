package dev.engram;

import dev.engram.memory.MemoryType;
import dev.engram.memory.Strings;
import dev.engram.memory.UserId;
import dev.engram.memory.ValidationException;
import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * A retrieval: the user, the query text and how to filter and pack the answer. Immutable; build
 * it with {@link #of} and the {@code with…} methods:
 *
 * <pre>{@code
 * RetrieveRequest.of(user, "where does she live?").limit(10).tokenBudget(512).types(Set.of(MemoryType.FACT))
 * }</pre>
 *
 * @param user              whose memories (the only ones ever searched)
 * @param query             the text to search for (non-blank, at most {@value #MAX_QUERY_CHARS} characters)
 * @param limit             the most memories returned, 1..{@value #MAX_LIMIT}
 * @param tokenBudget       the most estimated tokens of memory text returned (see docs/retrieval.md), or 0 for no budget
 * @param types             only these types (empty: all)
 * @param categories        only memories with at least one of these categories (empty: all)
 * @param metadata          only memories whose metadata has every one of these entries
 * @param asOf              what was valid at this time ({@code null}: now)
 * @param consistency       {@link Consistency#SESSION}: first wait (bounded) until the user's earlier ingestions are applied
 * @param includeSuperseded also superseded memories (excluded by default)
 * @param includeArchived   also archived memories (excluded by default)
 * @param includeExpired    also memories past their expiry (excluded by default)
 * @param diversify         re-rank for diversity (MMR) before packing
 */
public record RetrieveRequest(UserId user, String query, int limit, int tokenBudget, Set<MemoryType> types,
                              Set<String> categories, Map<String, String> metadata, Instant asOf,
                              Consistency consistency, boolean includeSuperseded, boolean includeArchived,
                              boolean includeExpired, boolean diversify) {
    public static final int MAX_QUERY_CHARS = 8192;
    public static final int MAX_LIMIT = 1000;
    public static final int MAX_TOKEN_BUDGET = 1_000_000;
    public static final int DEFAULT_LIMIT = 10;

    /** Whether a retrieval waits for the user's earlier ingestions. */
    public enum Consistency { EVENTUAL, SESSION }

    public RetrieveRequest {
        if (user == null) throw new ValidationException("user", "is missing");
        Strings.checkRequired("query", query, MAX_QUERY_CHARS);
        if (limit < 1 || limit > MAX_LIMIT) throw new ValidationException("limit", "must be in 1.." + MAX_LIMIT + ", was " + limit);
        if (tokenBudget < 0 || tokenBudget > MAX_TOKEN_BUDGET) {
            throw new ValidationException("token_budget", "must be in 0.." + MAX_TOKEN_BUDGET + ", was " + tokenBudget);
        }
        types = types == null ? Set.of() : Set.copyOf(types);
        categories = categories == null ? Set.of() : Set.copyOf(categories);
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
        if (consistency == null) consistency = Consistency.EVENTUAL;
    }

    public static RetrieveRequest of(UserId user, String query) {
        return new RetrieveRequest(user, query, DEFAULT_LIMIT, 0, Set.of(), Set.of(), Map.of(), null,
                Consistency.EVENTUAL, false, false, false, false);
    }

    public RetrieveRequest limit(int n) {
        return new RetrieveRequest(user, query, n, tokenBudget, types, categories, metadata, asOf, consistency,
                includeSuperseded, includeArchived, includeExpired, diversify);
    }

    public RetrieveRequest tokenBudget(int tokens) {
        return new RetrieveRequest(user, query, limit, tokens, types, categories, metadata, asOf, consistency,
                includeSuperseded, includeArchived, includeExpired, diversify);
    }

    public RetrieveRequest types(Set<MemoryType> t) {
        return new RetrieveRequest(user, query, limit, tokenBudget, t, categories, metadata, asOf, consistency,
                includeSuperseded, includeArchived, includeExpired, diversify);
    }

    public RetrieveRequest categories(Set<String> c) {
        return new RetrieveRequest(user, query, limit, tokenBudget, types, c, metadata, asOf, consistency,
                includeSuperseded, includeArchived, includeExpired, diversify);
    }

    public RetrieveRequest metadata(Map<String, String> m) {
        return new RetrieveRequest(user, query, limit, tokenBudget, types, categories, m, asOf, consistency,
                includeSuperseded, includeArchived, includeExpired, diversify);
    }

    public RetrieveRequest asOf(Instant t) {
        return new RetrieveRequest(user, query, limit, tokenBudget, types, categories, metadata, t, consistency,
                includeSuperseded, includeArchived, includeExpired, diversify);
    }

    public RetrieveRequest consistency(Consistency c) {
        return new RetrieveRequest(user, query, limit, tokenBudget, types, categories, metadata, asOf, c,
                includeSuperseded, includeArchived, includeExpired, diversify);
    }

    /** Session consistency: see every earlier ingestion of this user applied (bounded wait). */
    public RetrieveRequest sessionConsistent() {
        return consistency(Consistency.SESSION);
    }

    public RetrieveRequest includeSuperseded(boolean b) {
        return new RetrieveRequest(user, query, limit, tokenBudget, types, categories, metadata, asOf, consistency,
                b, includeArchived, includeExpired, diversify);
    }

    public RetrieveRequest includeArchived(boolean b) {
        return new RetrieveRequest(user, query, limit, tokenBudget, types, categories, metadata, asOf, consistency,
                includeSuperseded, b, includeExpired, diversify);
    }

    public RetrieveRequest includeExpired(boolean b) {
        return new RetrieveRequest(user, query, limit, tokenBudget, types, categories, metadata, asOf, consistency,
                includeSuperseded, includeArchived, b, diversify);
    }

    public RetrieveRequest diversify(boolean b) {
        return new RetrieveRequest(user, query, limit, tokenBudget, types, categories, metadata, asOf, consistency,
                includeSuperseded, includeArchived, includeExpired, b);
    }
}
