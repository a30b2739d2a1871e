package dev.engram.wal;

/** The log was closed; it accepts no more calls (except {@code close()}, which is idempotent). */
public final class WalClosedException extends WalException {
    private static final long serialVersionUID = 1L;

    public WalClosedException(String message) {
        super(message, null);
    }
}
