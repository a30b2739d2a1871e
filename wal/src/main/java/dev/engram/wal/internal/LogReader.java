package dev.engram.wal.internal;

import dev.engram.io.FileInput;
import dev.engram.io.Storage;
import dev.engram.wal.CorruptLogException;
import dev.engram.wal.WalClosedException;
import dev.engram.wal.WalReader;
import dev.engram.wal.WalRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A {@link WalReader} over the live segments: it reads each segment file through its own
 * {@link FileInput} and never returns a record beyond the log's acknowledged LSN, so it can run while
 * appends continue. Not thread-safe.
 */
public final class LogReader implements WalReader {
    private final LogWriter log;
    private final Storage storage;
    private long expected;
    private boolean started;
    private long segmentFirst = -1;
    private FileInput in;
    private RecordScanner scanner;
    private WalRecord next;
    private boolean closed;

    public LogReader(LogWriter log, long fromLsn) {
        this.log = log;
        this.storage = log.storage();
        this.expected = Math.max(1, fromLsn);
    }

    @Override
    public boolean hasNext() {
        if (closed) throw new IllegalStateException("reader is closed");
        if (next != null) return true;
        if (log.closing()) throw new WalClosedException("write-ahead log is closed");
        if (expected > log.ackedLsn()) return false;
        try {
            while (true) {
                if (in == null) {
                    openSegmentFor(expected);
                    if (expected > log.ackedLsn()) return false; // moved past checkpointed records
                }
                long limit = in.size();
                RecordScanner.Status st = scanner.next(limit);
                switch (st) {
                    case RECORD -> {
                        long lsn = scanner.lsn();
                        if (lsn < expected) continue; // skipping to the start LSN
                        if (lsn != expected) {
                            throw new CorruptLogException(in.name(), scanner.recordOffset(),
                                    "record has LSN " + lsn + ", expected " + expected, null);
                        }
                        next = new WalRecord(lsn, scanner.type(), scanner.payload());
                        expected++;
                        started = true;
                        return true;
                    }
                    case END -> {
                        long ended = segmentFirst;
                        closeSegment();
                        openSegmentFor(expected);
                        if (segmentFirst == ended) {
                            throw new CorruptLogException(storage.location(SegmentFormat.fileName(ended)), limit,
                                    "segment ends before acknowledged LSN " + expected, null);
                        }
                    }
                    default -> throw new CorruptLogException(in.name(), scanner.offset(), scanner.problem(), null);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the write-ahead log at LSN " + expected + ": " + e.getMessage(), e);
        }
    }

    @Override
    public WalRecord next() {
        if (!hasNext()) throw new NoSuchElementException("no acknowledged record at LSN " + expected + " yet");
        WalRecord r = next;
        next = null;
        return r;
    }

    private void openSegmentFor(long lsn) throws IOException {
        for (int attempt = 0; ; attempt++) {
            List<Long> segs = log.segments();
            int idx = -1;
            for (int i = segs.size() - 1; i >= 0; i--) {
                if (segs.get(i) <= lsn) {
                    idx = i;
                    break;
                }
            }
            if (idx < 0) {
                if (started || segs.isEmpty()) {
                    throw new IllegalStateException("records from LSN " + lsn
                            + " were removed by a checkpoint while this reader was behind");
                }
                idx = 0;
                expected = segs.getFirst(); // older records were checkpointed: start at the oldest kept
            }
            long first = segs.get(idx);
            try {
                in = storage.openInput(SegmentFormat.fileName(first));
            } catch (NoSuchFileException e) {
                if (attempt < 3) continue; // deleted by a checkpoint between listing and opening
                throw e;
            }
            segmentFirst = first;
            scanner = new RecordScanner(in, SegmentFormat.HEADER_LENGTH);
            return;
        }
    }

    private void closeSegment() throws IOException {
        FileInput i = in;
        in = null;
        scanner = null;
        if (i != null) i.close();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            closeSegment();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
