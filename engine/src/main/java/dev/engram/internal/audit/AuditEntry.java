package dev.engram.internal.audit;

import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;

/**
 * One audit entry: who did what to which user, when, with counts — never memory content.
 * A redacted entry (its user was purged) keeps its place in the hash chain but no longer says
 * who or what. Immutable.
 *
 * @param seq      position in the log, from 1, without gaps
 * @param at       when
 * @param actor    who (an app or key id; "embedded" for calls through the Java API)
 * @param action   what
 * @param subject  the user's pseudonym ({@link AuditLog#pseudonym}), or "" for none
 * @param counts   numbers about the action (memories returned, turns ingested, …)
 * @param redacted whether the body was removed by a purge
 * @param hash     HMAC-SHA256 (audit key) of this entry's header (seq, time, previous hash, body hash): the chain link
 */
public record AuditEntry(long seq, Instant at, String actor, Action action, String subject, Map<String, Long> counts,
                         boolean redacted, byte[] hash) {
    /** What was done. */
    public enum Action { INGEST, ADD, UPDATE, DELETE, PURGE, EXPORT, IMPORT, SEARCH, REDACTED, ARCHIVE, CONSOLIDATE }

    public AuditEntry {
        counts = Map.copyOf(counts);
    }

    public String hashHex() {
        return HexFormat.of().formatHex(hash);
    }
}
