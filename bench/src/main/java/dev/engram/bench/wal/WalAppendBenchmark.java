package dev.engram.bench.wal;

import dev.engram.bench.BenchEnv;
import dev.engram.wal.Durability;
import dev.engram.wal.Wal;
import dev.engram.wal.WalOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * Durable appends: Engram's WAL in SYNC mode against RocksDB with {@code WriteOptions.setSync(true)}
 * writing the same records (an 8-byte key plus the record as value), same machine, same disk, same
 * run. Each call returns only once its record is durable (fsync/fdatasync done). The thread count is
 * set by {@link WalSuite} per run; JMH's sample mode gives the latency distribution.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WalAppendBenchmark {
    @Param({"engram", "rocksdb"})
    public String engine;

    @Param({"128", "1024"})
    public int recordSize;

    private Path dir;
    private Wal wal;
    private RocksDB db;
    private Options dbOptions;
    private WriteOptions syncWrite;
    private final AtomicLong keys = new AtomicLong();

    /** Each thread appends its own random record bytes. */
    @State(Scope.Thread)
    public static class Record {
        byte[] payload;
        final byte[] key = new byte[8];

        @Setup(Level.Trial)
        public void setUp(WalAppendBenchmark bench) {
            payload = new byte[bench.recordSize];
            new Random(Thread.currentThread().threadId()).nextBytes(payload);
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException, RocksDBException {
        dir = Files.createTempDirectory(BenchEnv.cacheDir().toAbsolutePath(), "wal-" + engine + "-");
        if (engine.equals("engram")) {
            wal = Wal.open(WalOptions.builder(dir).durability(Durability.SYNC).build());
        } else if (engine.equals("rocksdb")) {
            RocksDB.loadLibrary();
            dbOptions = new Options().setCreateIfMissing(true);
            db = RocksDB.open(dbOptions, dir.toString());
            syncWrite = new WriteOptions().setSync(true);
        } else {
            throw new IllegalArgumentException("unknown engine " + engine);
        }
    }

    @Benchmark
    public long append(Record r) throws RocksDBException {
        if (wal != null) return wal.append(1, r.payload);
        long k = keys.incrementAndGet();
        ByteBuffer.wrap(r.key).putLong(k);
        db.put(syncWrite, r.key, r.payload);
        return k;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        try {
            if (wal != null) wal.close();
            if (db != null) {
                db.close();
                syncWrite.close();
                dbOptions.close();
            }
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (root == null || !Files.exists(root)) return;
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
