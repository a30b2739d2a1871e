package dev.engram.extraction.extract;

import java.util.Objects;

/**
 * One reconciliation decision. Immutable and thread-safe.
 *
 * @param action   what to do
 * @param targetId the existing memory acted on; {@code null} exactly for {@link ReconcileAction#ADD}
 * @param text     the memory text to store, required for ADD, UPDATE and SUPERSEDE, {@code null} otherwise
 */
public record ReconcileDecision(ReconcileAction action, String targetId, String text) {

    public ReconcileDecision {
        Objects.requireNonNull(action, "action");
        boolean needsTarget = action != ReconcileAction.ADD;
        boolean needsText = action == ReconcileAction.ADD
                || action == ReconcileAction.UPDATE
                || action == ReconcileAction.SUPERSEDE;
        if (needsTarget != (targetId != null && !targetId.isBlank())) {
            throw new IllegalArgumentException(action + (needsTarget ? " needs a target id" : " takes no target id"));
        }
        if (needsText && (text == null || text.isBlank())) {
            throw new IllegalArgumentException(action + " needs a text");
        }
        if (!needsText) {
            text = null;
        }
    }
}
