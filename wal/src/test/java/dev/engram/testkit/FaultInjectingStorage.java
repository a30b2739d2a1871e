package dev.engram.testkit;

import dev.engram.io.FileInput;
import dev.engram.io.FileOutput;
import dev.engram.io.Storage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * A {@link Storage} wrapper for durability tests (after Lucene's {@code MockDirectoryWrapper} and
 * H2's {@code FilePathReorderWrites}). It
 * <ul>
 *   <li>counts every I/O operation (see {@link Op}) across this directory and its subdirectories;</li>
 *   <li>fails operation N once ({@link #failOnce}) or every operation from N on ({@link #failFrom})
 *       with an {@link IOException}; the failed operation does nothing;</li>
 *   <li>simulates power loss: {@link #crashAt} makes operation N and everything after it fail as if
 *       the machine stopped, and {@link #powerLoss(Random)} then rewrites the wrapped storage to a state
 *       the disk could be in after the outage.</li>
 * </ul>
 *
 * <h2>The power-loss model</h2>
 * It keeps, per file, the bytes at its last sync, and per directory the entries at its last
 * {@code syncDirectory()} plus the changes since, in order. After power loss:
 * <ul>
 *   <li>each directory keeps its synced entries plus a random prefix of the later changes (creations,
 *       renames, deletions, new subdirectories), so a rename stays atomic;</li>
 *   <li>each surviving file keeps its synced bytes; of the bytes appended since, a random prefix
 *       survives, and that prefix may be torn: its end garbled, or random 512-byte sectors zeroed or
 *       filled with garbage (writeback in any order); a file truncated since its last sync comes back
 *       either truncated or not.</li>
 * </ul>
 * Handles opened before the power loss fail afterwards. Bytes that were synced are never changed.
 *
 * <p>Thread-safe: every operation runs under one lock shared by the whole tree (tests, not speed).
 */
public final class FaultInjectingStorage implements Storage {
    /** The operations that are counted (and can fail). {@code close} and output {@code size} are not. */
    public enum Op { CREATE, OPEN_APPEND, OPEN_INPUT, EXISTS, IS_DIRECTORY, SIZE, LIST, DELETE, RENAME, TRUNCATE,
        SYNC_FILE, SYNC_DIR, SUBDIR, DELETE_DIR, WRITE, SYNC, READ }

    private static final byte[] EMPTY = new byte[0];

    /** State shared by a root wrapper and its subdirectories; also the lock. */
    private static final class Controller {
        long ops;
        long failOnceAt = -1;
        long failFromAt = -1;
        long crashAtOp = -1;
        boolean crashed;
        int epoch;
        final Set<AutoCloseable> open = new HashSet<>();
        final ArrayDeque<String> trace = new ArrayDeque<>();
    }

    private static final class FileNode {
        byte[] durable = EMPTY;
        byte[] stash; // content when it left the live directory (delete, replaced by rename, parent deleted)
    }

    private record DirNode(FaultInjectingStorage dir) {}

    private sealed interface DirOp permits Put, Remove, Move {}

    private record Put(String name, Object node) implements DirOp {}

    private record Remove(String name) implements DirOp {}

    private record Move(String source, String target) implements DirOp {}

    private final Controller ctl;
    private final Storage delegate;
    private final boolean root;
    private int epoch;
    private final TreeMap<String, Object> current = new TreeMap<>();
    private TreeMap<String, Object> durable = new TreeMap<>();
    private final List<DirOp> pending = new ArrayList<>();

    private FaultInjectingStorage(Controller ctl, Storage delegate, boolean root) {
        this.ctl = ctl;
        this.delegate = delegate;
        this.root = root;
        this.epoch = ctl.epoch;
    }

    /** Wraps {@code delegate}; whatever it holds now counts as durable. */
    public static FaultInjectingStorage wrap(Storage delegate) throws IOException {
        FaultInjectingStorage s = new FaultInjectingStorage(new Controller(), delegate, true);
        s.adoptExisting();
        return s;
    }

    private void adoptExisting() throws IOException {
        for (String name : delegate.list()) {
            if (delegate.isDirectory(name)) {
                FaultInjectingStorage child = new FaultInjectingStorage(ctl, delegate.subdirectory(name), false);
                child.adoptExisting();
                current.put(name, new DirNode(child));
            } else {
                FileNode f = new FileNode();
                f.durable = readAll(delegate, name);
                current.put(name, f);
            }
        }
        durable = new TreeMap<>(current);
    }

    // ---- fault control -------------------------------------------------------------------------

    /** Operations counted so far. */
    public long operations() {
        synchronized (ctl) {
            return ctl.ops;
        }
    }

    /** Operation number {@code n} (1-based, counting from the start) fails once. */
    public void failOnce(long n) {
        synchronized (ctl) {
            ctl.failOnceAt = n;
        }
    }

    /** Operation {@code n} and every later one fail. */
    public void failFrom(long n) {
        synchronized (ctl) {
            ctl.failFromAt = n;
        }
    }

    /** The machine loses power just before operation {@code n}: it and every later operation fail. */
    public void crashAt(long n) {
        synchronized (ctl) {
            ctl.crashAtOp = n;
        }
    }

    /** Removes scheduled faults (not a crash that already happened: see {@link #powerLoss}). */
    public void clearFaults() {
        synchronized (ctl) {
            ctl.failOnceAt = ctl.failFromAt = ctl.crashAtOp = -1;
        }
    }

    /** Whether a scheduled crash has happened (and {@link #powerLoss} not yet run). */
    public boolean crashed() {
        synchronized (ctl) {
            return ctl.crashed;
        }
    }

    /** The last operations, oldest first (for failure messages). */
    public List<String> trace() {
        synchronized (ctl) {
            return List.copyOf(ctl.trace);
        }
    }

    /**
     * Simulates a power loss now (whether or not {@link #crashAt} fired): rewrites the wrapped storage
     * to a state allowed by the model, closes every handle, clears faults, and makes the storage usable
     * again, as after a reboot. Call on the root wrapper; reopen subdirectories afterwards.
     */
    public void powerLoss(Random random) throws IOException {
        synchronized (ctl) {
            if (!root) throw new IllegalStateException("powerLoss must be called on the root wrapper");
            Map<String, Object> state = crashState(random);
            for (AutoCloseable c : ctl.open) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // The handle belongs to the world before the power loss.
                }
            }
            ctl.open.clear();
            ctl.epoch++;
            rewrite(state);
            ctl.crashed = false;
            ctl.failOnceAt = ctl.failFromAt = ctl.crashAtOp = -1;
        }
    }

    private Map<String, Object> crashState(Random rnd) throws IOException {
        TreeMap<String, Object> m = new TreeMap<>(durable);
        int keep = pending.isEmpty() ? 0 : rnd.nextInt(pending.size() + 1);
        for (int i = 0; i < keep; i++) apply(m, pending.get(i));
        Map<String, Object> state = new TreeMap<>();
        for (var e : m.entrySet()) {
            if (e.getValue() instanceof FileNode f) state.put(e.getKey(), tear(f.durable, liveContent(f), rnd));
            else state.put(e.getKey(), ((DirNode) e.getValue()).dir.crashState(rnd));
        }
        return state;
    }

    private static void apply(Map<String, Object> m, DirOp op) {
        switch (op) {
            case Put p -> m.put(p.name, p.node);
            case Remove r -> m.remove(r.name);
            case Move mv -> {
                Object n = m.remove(mv.source);
                if (n != null) m.put(mv.target, n);
            }
        }
    }

    /** What survives of a file whose synced bytes are {@code dur} and whose live bytes are {@code cur}. */
    static byte[] tear(byte[] dur, byte[] cur, Random rnd) {
        boolean appendOnly = cur.length >= dur.length && Arrays.equals(cur, 0, dur.length, dur, 0, dur.length);
        if (!appendOnly) return rnd.nextBoolean() ? dur : cur;
        int extra = cur.length - dur.length;
        if (extra == 0) return cur;
        int keep = switch (rnd.nextInt(4)) {
            case 0 -> 0;
            case 1 -> extra;
            default -> rnd.nextInt(extra + 1);
        };
        byte[] out = Arrays.copyOf(cur, dur.length + keep);
        if (keep == 0) return out;
        switch (rnd.nextInt(3)) {
            case 0 -> { } // a clean prefix
            case 1 -> { // the last write torn: its end is garbage
                int from = dur.length + rnd.nextInt(keep);
                for (int i = from; i < out.length; i++) out[i] = (byte) rnd.nextInt(256);
            }
            default -> { // sectors written back in any order: some never made it
                for (int s = dur.length / 512 * 512; s < out.length; s += 512) {
                    if (rnd.nextInt(4) != 0) continue;
                    boolean zero = rnd.nextBoolean();
                    for (int i = Math.max(s, dur.length); i < Math.min(s + 512, out.length); i++) {
                        out[i] = zero ? 0 : (byte) rnd.nextInt(256);
                    }
                }
            }
        }
        return out;
    }

    private byte[] liveContent(FileNode f) throws IOException {
        if (f.stash != null) return f.stash;
        for (var e : current.entrySet()) {
            if (e.getValue() == f) return readAll(delegate, e.getKey());
        }
        return f.durable;
    }

    @SuppressWarnings("unchecked")
    private void rewrite(Map<String, Object> state) throws IOException {
        for (String n : delegate.list()) {
            if (delegate.isDirectory(n)) delegate.deleteDirectory(n);
            else delegate.delete(n);
        }
        current.clear();
        pending.clear();
        epoch = ctl.epoch;
        for (var e : state.entrySet()) {
            if (e.getValue() instanceof byte[] b) {
                try (FileOutput out = delegate.create(e.getKey())) {
                    out.write(b);
                    out.sync();
                }
                FileNode f = new FileNode();
                f.durable = b;
                current.put(e.getKey(), f);
            } else {
                FaultInjectingStorage child = new FaultInjectingStorage(ctl, delegate.subdirectory(e.getKey()), false);
                child.rewrite((Map<String, Object>) e.getValue());
                current.put(e.getKey(), new DirNode(child));
            }
        }
        delegate.syncDirectory();
        durable = new TreeMap<>(current);
    }

    /** Freezes a directory being deleted: its files' content is kept for a power loss that undoes the delete. */
    private void freeze() throws IOException {
        for (var e : current.entrySet()) {
            if (e.getValue() instanceof FileNode f) {
                if (f.stash == null) f.stash = readAll(delegate, e.getKey());
            } else {
                ((DirNode) e.getValue()).dir.freeze();
            }
        }
    }

    private static byte[] readAll(Storage s, String name) throws IOException {
        try (FileInput in = s.openInput(name)) {
            byte[] b = new byte[(int) in.size()];
            in.readFully(0, b, 0, b.length);
            return b;
        }
    }

    // ---- counting and faults ---------------------------------------------------------------------

    private void check() throws IOException {
        if (epoch != ctl.epoch) throw new IOException("storage handle from before a simulated power loss");
        if (ctl.crashed) throw new IOException("simulated power loss: the storage is down");
    }

    private void op(Op op, String detail) throws IOException {
        if (epoch != ctl.epoch) throw new IOException("storage handle from before a simulated power loss");
        long n = ++ctl.ops;
        if (ctl.trace.size() == 64) ctl.trace.removeFirst();
        ctl.trace.addLast(n + " " + op + " " + detail);
        if (ctl.crashed) throw new IOException("simulated power loss: the storage is down (operation " + n + " " + op + " " + detail + ")");
        if (n == ctl.crashAtOp) {
            ctl.crashed = true;
            throw new IOException("simulated power loss at operation " + n + " (" + op + " " + detail + ")");
        }
        if (n == ctl.failOnceAt || (ctl.failFromAt > 0 && n >= ctl.failFromAt)) {
            throw new IOException("injected fault at operation " + n + " (" + op + " " + detail + ")");
        }
    }

    private FileNode fileNode(String name) {
        return current.get(name) instanceof FileNode f ? f : null;
    }

    // ---- Storage ---------------------------------------------------------------------------------

    @Override
    public String location(String name) {
        return delegate.location(name);
    }

    @Override
    public FileOutput create(String name) throws IOException {
        synchronized (ctl) {
            op(Op.CREATE, name);
            FileOutput out = delegate.create(name);
            FileNode f = new FileNode();
            current.put(name, f);
            pending.add(new Put(name, f));
            return track(new Output(name, f, out));
        }
    }

    @Override
    public FileOutput openAppend(String name) throws IOException {
        synchronized (ctl) {
            op(Op.OPEN_APPEND, name);
            FileOutput out = delegate.openAppend(name);
            FileNode f = fileNode(name);
            if (f == null) { // created behind our back: adopt as durable
                f = new FileNode();
                f.durable = readAll(delegate, name);
                current.put(name, f);
            }
            return track(new Output(name, f, out));
        }
    }

    @Override
    public FileInput openInput(String name) throws IOException {
        synchronized (ctl) {
            op(Op.OPEN_INPUT, name);
            return track(new Input(name, delegate.openInput(name)));
        }
    }

    private <T extends AutoCloseable> T track(T handle) {
        ctl.open.add(handle);
        return handle;
    }

    @Override
    public boolean exists(String name) throws IOException {
        synchronized (ctl) {
            op(Op.EXISTS, name);
            return delegate.exists(name);
        }
    }

    @Override
    public boolean isDirectory(String name) throws IOException {
        synchronized (ctl) {
            op(Op.IS_DIRECTORY, name);
            return delegate.isDirectory(name);
        }
    }

    @Override
    public long size(String name) throws IOException {
        synchronized (ctl) {
            op(Op.SIZE, name);
            return delegate.size(name);
        }
    }

    @Override
    public List<String> list() throws IOException {
        synchronized (ctl) {
            op(Op.LIST, "");
            return delegate.list();
        }
    }

    @Override
    public boolean delete(String name) throws IOException {
        synchronized (ctl) {
            op(Op.DELETE, name);
            FileNode f = fileNode(name);
            if (f != null && f.stash == null) f.stash = readAll(delegate, name);
            boolean r = delegate.delete(name);
            if (r) {
                current.remove(name);
                pending.add(new Remove(name));
            }
            return r;
        }
    }

    @Override
    public void rename(String source, String target) throws IOException {
        synchronized (ctl) {
            op(Op.RENAME, source + " -> " + target);
            FileNode replaced = fileNode(target);
            if (replaced != null && replaced.stash == null) replaced.stash = readAll(delegate, target);
            delegate.rename(source, target);
            Object n = current.remove(source);
            if (n != null) current.put(target, n);
            pending.add(new Move(source, target));
        }
    }

    @Override
    public void truncate(String name, long size) throws IOException {
        synchronized (ctl) {
            op(Op.TRUNCATE, name + " to " + size);
            delegate.truncate(name, size);
        }
    }

    @Override
    public void sync(String name) throws IOException {
        synchronized (ctl) {
            op(Op.SYNC_FILE, name);
            delegate.sync(name);
            FileNode f = fileNode(name);
            if (f != null) f.durable = readAll(delegate, name);
        }
    }

    @Override
    public void syncDirectory() throws IOException {
        synchronized (ctl) {
            op(Op.SYNC_DIR, delegate.toString());
            delegate.syncDirectory();
            durable = new TreeMap<>(current);
            pending.clear();
        }
    }

    @Override
    public Storage subdirectory(String name) throws IOException {
        synchronized (ctl) {
            op(Op.SUBDIR, name);
            if (current.get(name) instanceof DirNode d) return d.dir;
            Storage sub = delegate.subdirectory(name);
            FaultInjectingStorage child = new FaultInjectingStorage(ctl, sub, false);
            child.adoptExisting();
            DirNode node = new DirNode(child);
            current.put(name, node);
            pending.add(new Put(name, node));
            return child;
        }
    }

    @Override
    public boolean deleteDirectory(String name) throws IOException {
        synchronized (ctl) {
            op(Op.DELETE_DIR, name);
            if (current.get(name) instanceof DirNode d) d.dir.freeze();
            boolean r = delegate.deleteDirectory(name);
            if (r) {
                current.remove(name);
                pending.add(new Remove(name));
            }
            return r;
        }
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
        return "FaultInjecting[" + delegate + "]";
    }

    private final class Output implements FileOutput {
        private final String name;
        private final FileNode node;
        private final FileOutput out;
        private final int handleEpoch = ctl.epoch;

        Output(String name, FileNode node, FileOutput out) {
            this.name = name;
            this.node = node;
            this.out = out;
        }

        private void checkHandle() throws IOException {
            if (handleEpoch != ctl.epoch) throw new IOException(name + ": handle from before a simulated power loss");
        }

        @Override
        public void write(ByteBuffer src) throws IOException {
            synchronized (ctl) {
                checkHandle();
                op(Op.WRITE, name + " " + src.remaining() + " bytes");
                out.write(src);
            }
        }

        @Override
        public long size() throws IOException {
            synchronized (ctl) {
                checkHandle();
                return out.size();
            }
        }

        @Override
        public void sync() throws IOException {
            synchronized (ctl) {
                checkHandle();
                op(Op.SYNC, name);
                out.sync();
                node.durable = node.stash != null ? node.durable : liveContent(node);
            }
        }

        @Override
        public void close() throws IOException {
            synchronized (ctl) {
                ctl.open.remove(this);
                out.close();
            }
        }
    }

    private final class Input implements FileInput {
        private final String name;
        private final FileInput in;
        private final int handleEpoch = ctl.epoch;

        Input(String name, FileInput in) {
            this.name = name;
            this.in = in;
        }

        @Override
        public int read(long position, ByteBuffer dst) throws IOException {
            synchronized (ctl) {
                if (handleEpoch != ctl.epoch) throw new IOException(name + ": handle from before a simulated power loss");
                op(Op.READ, name + " at " + position);
                return in.read(position, dst);
            }
        }

        @Override
        public long size() throws IOException {
            synchronized (ctl) {
                if (handleEpoch != ctl.epoch) throw new IOException(name + ": handle from before a simulated power loss");
                check();
                return in.size();
            }
        }

        @Override
        public String name() {
            return in.name();
        }

        @Override
        public void close() throws IOException {
            synchronized (ctl) {
                ctl.open.remove(this);
                in.close();
            }
        }
    }
}
