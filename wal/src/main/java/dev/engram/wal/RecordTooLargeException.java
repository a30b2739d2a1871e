package dev.engram.wal;

/** An append's payload exceeds {@link WalOptions#maxRecordSize()}; nothing was written. */
public final class RecordTooLargeException extends WalException {
    private static final long serialVersionUID = 1L;
    private final int size;
    private final int max;

    public RecordTooLargeException(int size, int max) {
        super("record payload of " + size + " bytes exceeds the maximum record size of " + max
                + " bytes (WalOptions.maxRecordSize); nothing was written", null);
        this.size = size;
        this.max = max;
    }

    public int size() {
        return size;
    }

    public int max() {
        return max;
    }
}
