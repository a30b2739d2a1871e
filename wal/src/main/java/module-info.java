/**
 * Engram's write-ahead log and the storage seam every durable file goes through.
 *
 * <ul>
 *   <li>{@code dev.engram.io}: {@link dev.engram.io.Storage} (files in one directory: append-only
 *       outputs, positional inputs, fsync of a file and of the directory, atomic rename), its
 *       production implementation {@link dev.engram.io.FileStorage}, and {@link dev.engram.io.Framing},
 *       the header/checksum utility every file format uses.</li>
 *   <li>{@code dev.engram.wal}: the segmented, CRC32C-framed, group-committed log {@link dev.engram.wal.Wal}.</li>
 * </ul>
 */
module dev.engram.wal {
    exports dev.engram.io;
    exports dev.engram.wal;
}
