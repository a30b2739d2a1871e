package dev.engram.wal;

/**
 * The log is damaged somewhere other than its tail (a torn tail is repaired silently and reported in
 * {@link RecoveryReport}): a bad checksum, a bad segment header, a gap between segments. The log
 * refuses to open; the message names the file and byte offset. Opening with
 * {@link WalOptions.Builder#salvage(boolean) salvage} keeps every record before the damage, drops the
 * rest and reports what it dropped.
 */
public final class CorruptLogException extends WalException {
    private static final long serialVersionUID = 1L;
    private final String file;
    private final long offset;

    public CorruptLogException(String file, long offset, String message, Throwable cause) {
        super(message + " [file " + file + ", offset " + offset + "]", cause);
        this.file = file;
        this.offset = offset;
    }

    /** The damaged file's location. */
    public String file() {
        return file;
    }

    /** The byte offset of the damage in {@link #file()}. */
    public long offset() {
        return offset;
    }
}
