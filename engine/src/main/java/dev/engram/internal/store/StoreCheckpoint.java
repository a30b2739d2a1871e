package dev.engram.internal.store;

import dev.engram.internal.format.BodyFile;
import dev.engram.internal.format.ByteReader;
import dev.engram.internal.format.ByteWriter;
import dev.engram.io.CorruptFileException;
import dev.engram.io.Storage;
import java.io.IOException;

/**
 * The memory store's checkpoint marker, file {@value #FILE_NAME} in the data directory: a
 * {@link BodyFile} with format name {@value #FORMAT}, version {@value #VERSION}, magic "ECKP",
 * replaced atomically ({@link StoreFiles#writeAtomically}). Body: {@code u64 appliedLsn, u64
 * truncatedLsn}.
 *
 * @param appliedLsn   every WAL record with an LSN up to this one is durable in its user's segments:
 *                     recovery applies only later records
 * @param truncatedLsn the pipeline needs no event up to this LSN ({@code <= appliedLsn}): recovery
 *                     replays the events of later records to the sink, and the WAL may be truncated up to it
 */
record StoreCheckpoint(long appliedLsn, long truncatedLsn) {
    static final String FILE_NAME = "STORE-CHECKPOINT";
    static final String FORMAT = "engram.checkpoint";
    static final int MAGIC = 0x45434B50;
    static final int VERSION = 1;
    static final StoreCheckpoint NONE = new StoreCheckpoint(0, 0);

    StoreCheckpoint {
        if (truncatedLsn < 0 || truncatedLsn > appliedLsn) {
            throw new IllegalArgumentException("checkpoint LSNs out of order: applied " + appliedLsn + ", truncated " + truncatedLsn);
        }
    }

    /** The marker in {@code dir}, or {@link #NONE} when there is none yet. */
    static StoreCheckpoint read(Storage dir) throws IOException {
        if (!dir.exists(FILE_NAME)) return NONE;
        String location = dir.location(FILE_NAME);
        byte[] data = StoreFiles.readAll(dir, FILE_NAME);
        BodyFile.Decoded d = BodyFile.decode(data, data.length, location, MAGIC, FORMAT, VERSION, VERSION);
        ByteReader in = new ByteReader(d.body(), 0, d.body().length, location + " (body)", d.bodyOffset());
        long applied = in.u64();
        long truncated = in.u64();
        in.expectEnd("checkpoint");
        if (truncated < 0 || truncated > applied) {
            throw new CorruptFileException(location, d.bodyOffset(), "checkpoint LSNs out of order (applied " + applied
                    + ", truncated " + truncated + ")", null, null, "file damaged?");
        }
        return new StoreCheckpoint(applied, truncated);
    }

    /** Replaces the marker atomically and durably. */
    void write(Storage dir) throws IOException {
        ByteWriter w = new ByteWriter(16);
        w.u64(appliedLsn).u64(truncatedLsn);
        StoreFiles.writeAtomically(dir, FILE_NAME, BodyFile.encode(MAGIC, FORMAT, VERSION, w.array(), w.size()));
    }
}
