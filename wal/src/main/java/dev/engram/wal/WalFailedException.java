package dev.engram.wal;

/**
 * The log has failed for good (fail-stop): a write, fsync or other I/O of the log failed earlier,
 * and every later call throws this. {@link #getCause()} is the original I/O error. The log never
 * retries an fsync: after a failed fsync the kernel may have dropped the dirty pages, so a retry
 * that "succeeds" would lie. Close the log and open it again to run recovery.
 */
public final class WalFailedException extends WalException {
    private static final long serialVersionUID = 1L;

    public WalFailedException(String message, Throwable cause) {
        super(message + ": " + cause, cause);
    }
}
