package dev.engram.wal;

import dev.engram.io.FileInput;
import dev.engram.io.FileOutput;
import dev.engram.io.Storage;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A storage whose file syncs block, once {@link #arm() armed}, until {@link #release()}: it holds
 * the log's writer inside an fsync so a test can act while a batch is in flight, without racing it.
 */
final class GatedSyncStorage implements Storage {
    private final Storage delegate;
    private final CountDownLatch gate = new CountDownLatch(1);
    private volatile boolean armed;

    GatedSyncStorage(Storage delegate) {
        this.delegate = delegate;
    }

    /** From now on, every file sync waits for {@link #release()}. */
    void arm() {
        armed = true;
    }

    /** Lets every waiting and later sync through. */
    void release() {
        gate.countDown();
    }

    private void await() throws IOException {
        if (!armed) return;
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the sync gate was closed");
        }
    }

    private FileOutput gated(FileOutput out) {
        return new FileOutput() {
            @Override public void write(ByteBuffer src) throws IOException { out.write(src); }
            @Override public long size() throws IOException { return out.size(); }
            @Override public void sync() throws IOException { await(); out.sync(); }
            @Override public void close() throws IOException { out.close(); }
        };
    }

    @Override public String location(String name) { return delegate.location(name); }
    @Override public FileOutput create(String name) throws IOException { return gated(delegate.create(name)); }
    @Override public FileOutput openAppend(String name) throws IOException { return gated(delegate.openAppend(name)); }
    @Override public FileInput openInput(String name) throws IOException { return delegate.openInput(name); }
    @Override public boolean exists(String name) throws IOException { return delegate.exists(name); }
    @Override public boolean isDirectory(String name) throws IOException { return delegate.isDirectory(name); }
    @Override public long size(String name) throws IOException { return delegate.size(name); }
    @Override public List<String> list() throws IOException { return delegate.list(); }
    @Override public boolean delete(String name) throws IOException { return delegate.delete(name); }
    @Override public void rename(String source, String target) throws IOException { delegate.rename(source, target); }
    @Override public void truncate(String name, long size) throws IOException { delegate.truncate(name, size); }
    @Override public void sync(String name) throws IOException { await(); delegate.sync(name); }
    @Override public void syncDirectory() throws IOException { delegate.syncDirectory(); }
    @Override public Storage subdirectory(String name) throws IOException { return delegate.subdirectory(name); }
    @Override public boolean deleteDirectory(String name) throws IOException { return delegate.deleteDirectory(name); }
    @Override public void close() throws IOException { delegate.close(); }
}
