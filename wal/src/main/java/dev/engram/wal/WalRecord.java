package dev.engram.wal;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One record of the log: its log sequence number (1, 2, 3, … without gaps), the caller's type and the
 * opaque payload. The payload array is the caller's to keep; the log never changes it after reading.
 * Thread-safe as long as nobody mutates the payload.
 */
public record WalRecord(long lsn, int type, byte[] payload) {
    @Override
    public boolean equals(Object o) {
        return o instanceof WalRecord r && r.lsn == lsn && r.type == type && Arrays.equals(r.payload, payload);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(lsn) * 31 + type * 17 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        String hex = HexFormat.of().formatHex(payload, 0, Math.min(16, payload.length));
        return "WalRecord[lsn=" + lsn + ", type=" + type + ", " + payload.length + " bytes: " + hex
                + (payload.length > 16 ? "…" : "") + "]";
    }
}
