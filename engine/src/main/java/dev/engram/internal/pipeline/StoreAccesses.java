package dev.engram.internal.pipeline;

import dev.engram.EngramOptions;
import dev.engram.internal.crypto.MasterKey;
import dev.engram.internal.lexical.TextAnalyzer;
import dev.engram.internal.segment.SegmentRecord;
import dev.engram.internal.store.Buckets;
import dev.engram.internal.store.MemoryStore;
import dev.engram.internal.store.UserStore;
import dev.engram.memory.UserId;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** The production {@link StoreAccess}: the WAL-backed {@link MemoryStore} under the data directory. */
public final class StoreAccesses {
    /** Upper bounds of the WAL fsync latency buckets, seconds (100 µs to 2.5 s, then +Inf). */
    static final double[] FSYNC_BOUNDS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};

    private StoreAccesses() {}

    /** Opens the store under {@code options.dataDir()}; WAL events replayed at open go to {@code sink}. */
    public static StoreAccess open(EngramOptions options, ReplaySink sink) throws IOException {
        return open(options, sink, null);
    }

    /** The same, encrypted with {@code masterKey} (null: unencrypted) and the key store of {@code options.encryption()}. */
    public static StoreAccess open(EngramOptions options, ReplaySink sink, MasterKey masterKey) throws IOException {
        MemoryStore.Options o = MemoryStore.Options.defaults().withDurability(options.durability())
                .withOpenUsersMaxBytes(options.cacheBytes()).withCheckpointWalBytes(options.checkpointWalBytes());
        if (masterKey != null) o = o.withEncryption(masterKey, options.encryption() == null ? null : options.encryption().keyStore());
        TextAnalyzer analyzer = new TextAnalyzer();
        Buckets syncs = new Buckets(FSYNC_BOUNDS);
        try {
            MemoryStore store = MemoryStore.open(options.dataDir(), analyzer, o, new MemoryStore.EventSink() {
                @Override
                public void replayed(UserId user, long lsn, byte[] payload) {
                    sink.replayed(user, lsn, payload);
                }

                @Override
                public long retainFromLsn() {
                    return sink.retainFromLsn();
                }

                @Override
                public void relocate(long upToLsn) throws IOException {
                    sink.relocate(upToLsn);
                }

                @Override
                public void walSynced(long nanos) {
                    syncs.record(nanos / 1e9);
                }
            });
            return new Adapter(store, analyzer, syncs);
        } catch (IOException | RuntimeException e) {
            analyzer.close();
            throw e;
        }
    }

    /** Wraps an open {@link MemoryStore} (tests open theirs on fault-injecting storage). */
    public static StoreAccess of(MemoryStore store) {
        return new Adapter(store, null, null);
    }

    private static final class Adapter implements StoreAccess {
        private static final int MAX_KNOWN = 1 << 20;
        private final MemoryStore store;
        private final TextAnalyzer analyzer;
        // Users known to exist (a directory never disappears except by purge, which forgets it here).
        private final Set<UserId> known = ConcurrentHashMap.newKeySet();
        private final Buckets syncs; // null: not measured

        Adapter(MemoryStore store, TextAnalyzer analyzer, Buckets syncs) {
            this.store = store;
            this.analyzer = analyzer;
            this.syncs = syncs;
        }

        @Override
        public long write(UserId user, List<Change> changes) throws IOException {
            List<MemoryStore.Mutation> mutations = new ArrayList<>(changes.size());
            for (Change c : changes) {
                mutations.add(switch (c) {
                    case Change.Put p -> new MemoryStore.Mutation.Put(p.memory(), p.embedding());
                    case Change.Delete d -> new MemoryStore.Mutation.Delete(d.id(), d.at());
                    case Change.Event e -> new MemoryStore.Mutation.Event(e.payload());
                    case Change.Journal j -> new MemoryStore.Mutation.Journal(j.payload());
                });
            }
            long lsn = store.write(user, mutations);
            remember(user);
            return lsn;
        }

        @Override
        public <T> T read(UserId user, Function<UserStore, T> f) throws IOException {
            return store.read(user, f);
        }

        @Override
        public boolean exists(UserId user) throws IOException {
            if (known.contains(user)) return true;
            if (!store.exists(user)) return false;
            remember(user);
            return true;
        }

        private void remember(UserId user) {
            if (known.size() >= MAX_KNOWN) known.clear();
            known.add(user);
        }

        @Override
        public Purged purge(UserId user) throws IOException {
            known.remove(user);
            try {
                MemoryStore.PurgeResult r = store.purge(user);
                return new Purged(r.memories(), r.versions(), r.files(), r.bytes(), r.walSegmentsRetired());
            } finally {
                known.remove(user);
            }
        }

        @Override
        public int completePurges() throws IOException {
            return store.completePurges();
        }

        @Override
        public List<UserId> users() throws IOException {
            return store.users();
        }

        @Override
        public void compact(UserId user) throws IOException {
            store.compact(user);
        }

        @Override
        public Throwable failure() {
            return store.failure();
        }

        @Override
        public dev.engram.EngramStats.Histogram walSyncs() {
            return syncs == null ? null : syncs.snapshot();
        }

        @Override
        public void forEachMemoryCount(java.util.function.ObjLongConsumer<UserId> f) {
            store.forEachMemoryCount(f);
        }

        @Override
        public List<byte[]> journal(UserId user) throws IOException {
            return store.read(user, s -> s.journal().stream().map(SegmentRecord.Journal::payload).toList());
        }

        @Override
        public void close() throws IOException {
            try {
                store.close();
            } finally {
                if (analyzer != null) analyzer.close();
            }
        }
    }
}
