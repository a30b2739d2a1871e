package dev.engram.wal;

/** Base of the WAL's unchecked exceptions: {@link WalFailedException}, {@link WalClosedException},
 * {@link RecordTooLargeException} and {@link CorruptLogException}. */
public abstract class WalException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected WalException(String message, Throwable cause) {
        super(message, cause);
    }
}
