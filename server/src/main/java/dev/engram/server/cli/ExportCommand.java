package dev.engram.server.cli;

import dev.engram.wal.Durability;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code engram export --user alice [--out FILE]}: the user's memories as NDJSON (format
 * engram.export/1, docs/privacy.md). Every version by default, so that {@code engram import}
 * restores them; {@code --current} writes only the current version of each memory. With
 * {@code --out} the file appears only once complete (written beside it, then renamed).
 */
@Command(name = "export", mixinStandardHelpOptions = true, description = {
        "Write a user's memories as NDJSON (engram.export/1) to stdout or --out FILE.",
        "Every version of every memory that is not deleted, unless --current."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:failed (message on stderr)", "2:bad usage"})
public final class ExportCommand implements Callable<Integer> {
    @Mixin
    Target target;

    @Option(names = "--user", required = true, description = "user id")
    String user;

    @Option(names = "--out", paramLabel = "FILE", description = "write here instead of stdout (replaced only once the export is complete)")
    Path out;

    @Option(names = "--current", description = "only the current version of each memory (such an export imports only memories at version 1)")
    boolean current;

    @Override
    public Integer call() throws Exception {
        try (Backend b = target.open(Durability.SYNC)) {
            long lines;
            if (out == null) {
                OutputStream stdout = new BufferedOutputStream(System.out, 64 * 1024);
                lines = b.export(user, !current, stdout);
                stdout.flush();
            } else {
                Path abs = out.toAbsolutePath();
                if (Files.isDirectory(abs)) throw new CliException("--out " + out + " is a directory");
                Path parent = abs.getParent();
                if (parent != null && !Files.isDirectory(parent)) throw new CliException("--out " + out + ": no directory " + parent);
                Path tmp = Files.createTempFile(parent, "." + abs.getFileName() + ".", ".part");
                boolean done = false;
                try {
                    try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(tmp), 64 * 1024)) {
                        lines = b.export(user, !current, o);
                    }
                    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    done = true;
                } finally {
                    if (!done) Files.deleteIfExists(tmp);
                }
            }
            Output.note("engram export: " + lines + " line(s) of user " + user + " from " + b.where()
                    + (out != null ? " to " + out : ""));
        }
        return 0;
    }
}
