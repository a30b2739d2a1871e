package dev.engram.bench.store;

import dev.engram.bench.BenchEnv;
import dev.engram.internal.catalog.CatalogEntry;
import dev.engram.internal.catalog.UserCatalog;
import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.internal.store.UserStore;
import dev.engram.io.FileStorage;
import dev.engram.memory.Memory;
import dev.engram.memory.MemoryId;
import dev.engram.memory.UserId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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

/**
 * Micro-benchmarks of the warm read path: {@code current} and {@code history} of a random memory
 * of one open user holding {@link #memories} memories (384-d embeddings, indexes checkpointed),
 * and a catalog lookup of a random user among {@link #catalogUsers}. Average time per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StoreReadBenchmark {
    @Param("10000")
    public int memories;

    @Param("100000")
    public int catalogUsers;

    private Path dir;
    private TextAnalyzer analyzer;
    private UserStore store;
    private UserCatalog catalog;
    private MemoryId[] ids;
    private UserId[] users;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory(BenchEnv.cacheDir().toAbsolutePath(), "store-jmh-");
        analyzer = new TextAnalyzer();
        UserId user = UserId.of("jmh-user");
        MemoryGenerator gen = new MemoryGenerator(42);
        store = UserStore.open(FileStorage.open(dir), user, analyzer, UserStore.Options.DEFAULT);
        ids = new MemoryId[memories];
        for (int i = 0; i < memories; i++) {
            Memory m = gen.memory(user);
            ids[i] = m.id();
            store.put(m, gen.embedding());
            if (i % 1000 == 999) store.flush();
        }
        store.checkpointIndexes();
        catalog = UserCatalog.open(dir.resolve("catalog"), dir, catalogUsers);
        users = new UserId[catalogUsers];
        Instant now = Instant.now();
        for (int i = 0; i < catalogUsers; i++) {
            users[i] = UserId.of("user-" + i + "@tenant-" + (i % 97));
            catalog.put(users[i], new CatalogEntry(CatalogEntry.directoryOf(users[i]), 20, 20, i, now, now, 70_000));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        store.close();
        catalog.close();
        analyzer.close();
        StoreSuite.deleteTree(dir);
    }

    @Benchmark
    public Optional<Memory> current() {
        return store.current(ids[ThreadLocalRandom.current().nextInt(ids.length)]);
    }

    @Benchmark
    public List<Memory> history() {
        return store.history(ids[ThreadLocalRandom.current().nextInt(ids.length)]);
    }

    @Benchmark
    public Optional<CatalogEntry> catalogGet() {
        return catalog.get(users[ThreadLocalRandom.current().nextInt(users.length)]);
    }
}
