package dev.engram.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.stream.Stream;

/**
 * The production {@link Storage}: a directory on the local file system, files through
 * {@link FileChannel}. {@code sync} is {@code FileChannel.force(false)} (fdatasync: data plus the
 * metadata needed to read it, such as the size); {@link #syncDirectory()} opens the directory and
 * forces it, which POSIX systems need to make new names durable.
 *
 * <p>Thread-safe, as the {@link Storage} contract says. Closing it releases nothing but marks it
 * closed; outputs and inputs stay usable until closed themselves.
 */
public final class FileStorage implements Storage {
    private final Path dir;
    private volatile boolean closed;

    private FileStorage(Path dir) {
        this.dir = dir;
    }

    /** Opens (creating if needed, with parents) the directory {@code dir}. */
    public static FileStorage open(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        Files.createDirectories(abs);
        return new FileStorage(abs);
    }

    /** The directory. */
    public Path directory() {
        return dir;
    }

    private Path path(String name) throws IOException {
        if (closed) throw new IOException("storage " + dir + " is closed");
        return dir.resolve(Storage.checkName(name));
    }

    @Override
    public String location(String name) {
        return dir.resolve(name).toString();
    }

    @Override
    public FileOutput create(String name) throws IOException {
        Path p = path(name);
        return new Output(p, FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
    }

    @Override
    public FileOutput openAppend(String name) throws IOException {
        Path p = path(name);
        FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE);
        ch.position(ch.size());
        return new Output(p, ch);
    }

    @Override
    public FileInput openInput(String name) throws IOException {
        Path p = path(name);
        return new Input(p, FileChannel.open(p, StandardOpenOption.READ));
    }

    @Override
    public boolean exists(String name) throws IOException {
        return Files.exists(path(name));
    }

    @Override
    public boolean isDirectory(String name) throws IOException {
        return Files.isDirectory(path(name));
    }

    @Override
    public long size(String name) throws IOException {
        return Files.size(path(name));
    }

    @Override
    public List<String> list() throws IOException {
        if (closed) throw new IOException("storage " + dir + " is closed");
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Override
    public boolean delete(String name) throws IOException {
        Path p = path(name);
        if (Files.isDirectory(p)) throw new IOException(p + " is a directory; use deleteDirectory");
        return Files.deleteIfExists(p);
    }

    @Override
    public void rename(String source, String target) throws IOException {
        Files.move(path(source), path(target), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public void truncate(String name, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(path(name), StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }

    @Override
    public void sync(String name) throws IOException {
        try (FileChannel ch = FileChannel.open(path(name), StandardOpenOption.WRITE)) {
            ch.force(false);
        }
    }

    @Override
    public void syncDirectory() throws IOException {
        if (closed) throw new IOException("storage " + dir + " is closed");
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    @Override
    public Storage subdirectory(String name) throws IOException {
        return open(path(name));
    }

    @Override
    public boolean deleteDirectory(String name) throws IOException {
        Path p = path(name);
        if (!Files.exists(p)) return false;
        if (!Files.isDirectory(p)) throw new IOException(p + " is not a directory");
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) throw e;
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
        return true;
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public String toString() {
        return "FileStorage[" + dir + "]";
    }

    private static final class Output implements FileOutput {
        private final Path path;
        private final FileChannel ch;

        Output(Path path, FileChannel ch) {
            this.path = path;
            this.ch = ch;
        }

        @Override
        public void write(ByteBuffer src) throws IOException {
            while (src.hasRemaining()) ch.write(src);
        }

        @Override
        public long size() throws IOException {
            return ch.position();
        }

        @Override
        public void sync() throws IOException {
            ch.force(false);
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }

        @Override
        public String toString() {
            return "FileOutput[" + path + "]";
        }
    }

    private static final class Input implements FileInput {
        private final Path path;
        private final FileChannel ch;

        Input(Path path, FileChannel ch) {
            this.path = path;
            this.ch = ch;
        }

        @Override
        public int read(long position, ByteBuffer dst) throws IOException {
            return ch.read(dst, position);
        }

        @Override
        public long size() throws IOException {
            return ch.size();
        }

        @Override
        public String name() {
            return path.toString();
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
