package dev.engram.testkit;

import dev.engram.io.FileInput;
import dev.engram.io.FileOutput;
import dev.engram.io.Storage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * A {@link Storage} held in memory, for fast exhaustive tests. Everything is "durable" at once:
 * wrap it in {@link FaultInjectingStorage} to model power loss. Thread-safe (one lock per directory,
 * one per file). Open inputs keep reading a file after it is deleted, as on POSIX.
 */
public final class InMemoryStorage implements Storage {
    private final String path;
    private final TreeMap<String, Object> entries = new TreeMap<>(); // MemFile or InMemoryStorage

    public InMemoryStorage() {
        this("mem:");
    }

    private InMemoryStorage(String path) {
        this.path = path;
    }

    /** A file's bytes. */
    static final class MemFile {
        private byte[] data = new byte[256];
        private int size;

        synchronized void append(ByteBuffer src) {
            int n = src.remaining();
            if (size + n > data.length) data = Arrays.copyOf(data, Math.max(size + n, data.length * 2));
            src.get(data, size, n);
            size += n;
        }

        synchronized int read(long pos, ByteBuffer dst) {
            if (pos >= size) return -1;
            int n = (int) Math.min(dst.remaining(), size - pos);
            dst.put(data, (int) pos, n);
            return n;
        }

        synchronized int size() {
            return size;
        }

        synchronized void truncate(long newSize) {
            if (newSize < size) size = (int) newSize;
        }

        synchronized byte[] content() {
            return Arrays.copyOf(data, size);
        }
    }

    private synchronized Object entry(String name) throws NoSuchFileException {
        Object e = entries.get(Storage.checkName(name));
        if (e == null) throw new NoSuchFileException(location(name));
        return e;
    }

    private MemFile file(String name) throws IOException {
        if (entry(name) instanceof MemFile f) return f;
        throw new IOException(location(name) + " is a directory");
    }

    @Override
    public String location(String name) {
        return path + "/" + name;
    }

    @Override
    public synchronized FileOutput create(String name) throws IOException {
        if (entries.containsKey(Storage.checkName(name))) throw new FileAlreadyExistsException(location(name));
        MemFile f = new MemFile();
        entries.put(name, f);
        return new Output(location(name), f);
    }

    @Override
    public FileOutput openAppend(String name) throws IOException {
        return new Output(location(name), file(name));
    }

    @Override
    public FileInput openInput(String name) throws IOException {
        return new Input(location(name), file(name));
    }

    @Override
    public synchronized boolean exists(String name) {
        return entries.containsKey(Storage.checkName(name));
    }

    @Override
    public synchronized boolean isDirectory(String name) {
        return entries.get(Storage.checkName(name)) instanceof InMemoryStorage;
    }

    @Override
    public long size(String name) throws IOException {
        return file(name).size();
    }

    @Override
    public synchronized List<String> list() {
        return new ArrayList<>(entries.keySet());
    }

    @Override
    public synchronized boolean delete(String name) throws IOException {
        Object e = entries.get(Storage.checkName(name));
        if (e == null) return false;
        if (!(e instanceof MemFile)) throw new IOException(location(name) + " is a directory; use deleteDirectory");
        entries.remove(name);
        return true;
    }

    @Override
    public synchronized void rename(String source, String target) throws IOException {
        Object e = entry(source);
        Storage.checkName(target);
        if (entries.get(target) instanceof InMemoryStorage) throw new IOException(location(target) + " is a directory");
        entries.remove(source);
        entries.put(target, e);
    }

    @Override
    public void truncate(String name, long size) throws IOException {
        file(name).truncate(size);
    }

    @Override
    public void sync(String name) throws IOException {
        file(name);
    }

    @Override
    public void syncDirectory() {}

    @Override
    public synchronized Storage subdirectory(String name) throws IOException {
        Object e = entries.get(Storage.checkName(name));
        if (e instanceof InMemoryStorage s) return s;
        if (e != null) throw new FileAlreadyExistsException(location(name) + " is a file");
        InMemoryStorage s = new InMemoryStorage(location(name));
        entries.put(name, s);
        return s;
    }

    @Override
    public synchronized boolean deleteDirectory(String name) throws IOException {
        Object e = entries.get(Storage.checkName(name));
        if (e == null) return false;
        if (!(e instanceof InMemoryStorage)) throw new IOException(location(name) + " is not a directory");
        entries.remove(name);
        return true;
    }

    /** A copy of a file's bytes (test helper). */
    public byte[] content(String name) throws IOException {
        return file(name).content();
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
        return "InMemoryStorage[" + path + "]";
    }

    private static final class Output implements FileOutput {
        private final String name;
        private final MemFile file;
        private volatile boolean closed;

        Output(String name, MemFile file) {
            this.name = name;
            this.file = file;
        }

        @Override
        public void write(ByteBuffer src) throws IOException {
            if (closed) throw new ClosedChannelException();
            file.append(src);
        }

        @Override
        public long size() throws IOException {
            if (closed) throw new ClosedChannelException();
            return file.size();
        }

        @Override
        public void sync() throws IOException {
            if (closed) throw new ClosedChannelException();
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public String toString() {
            return "Output[" + name + "]";
        }
    }

    private static final class Input implements FileInput {
        private final String name;
        private final MemFile file;
        private volatile boolean closed;

        Input(String name, MemFile file) {
            this.name = name;
            this.file = file;
        }

        @Override
        public int read(long position, ByteBuffer dst) throws IOException {
            if (closed) throw new ClosedChannelException();
            if (position < 0) throw new IllegalArgumentException("negative position " + position);
            return file.read(position, dst);
        }

        @Override
        public long size() throws IOException {
            if (closed) throw new ClosedChannelException();
            return file.size();
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
