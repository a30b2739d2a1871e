package dev.engram;

import java.time.Instant;
import java.util.Map;

/**
 * One audit log entry, as {@link Engram#audit} returns it: who did what to which user and when,
 * with counts, never memory content. Users appear only as pseudonyms ({@link Engram#auditPseudonym}).
 * Immutable.
 *
 * @param seq      position in the log (from 1, no gaps)
 * @param at       when
 * @param actor    who: the {@link Engram#ACTOR} bound by the caller (the server binds the app and key id), else "embedded"
 * @param action   INGEST, ADD, UPDATE, DELETE, PURGE, EXPORT, IMPORT, SEARCH (also for {@code context}), ARCHIVE,
 *                 CONSOLIDATE, or REDACTED (a purged user's entry)
 * @param subject  the user's pseudonym, or "" when the action concerns no single user
 * @param counts   numbers about the action (turns, memories returned, …)
 * @param hash     the entry's chain link, hex
 */
public record AuditRecord(long seq, Instant at, String actor, String action, String subject, Map<String, Long> counts,
                          String hash) {}
