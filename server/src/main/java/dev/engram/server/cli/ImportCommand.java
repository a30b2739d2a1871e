package dev.engram.server.cli;

import dev.engram.wal.Durability;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code engram import --user alice FILE}: reads an export (NDJSON, engram.export/1) and writes
 * it into the user, in batches (a server bounds request bodies). Each line is validated and
 * written on its own: at a bad line the command stops and names it; the lines before it were
 * imported, nothing from it on. Progress bar on a terminal (or {@code --progress}).
 */
@Command(name = "import", mixinStandardHelpOptions = true, description = {
        "Import an export (NDJSON, engram.export/1) into a user, from FILE or stdin ('-').",
        "A bad line stops the import and is named; the lines before it are imported."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:failed, e.g. a bad line (message on stderr)", "2:bad usage"})
public final class ImportCommand implements Callable<Integer> {
    @Mixin
    Target target;

    @Option(names = "--user", required = true, description = "user id to import into")
    String user;

    @Option(names = "--progress", description = "show the progress bar also when stderr is not a terminal")
    boolean progress;

    @Option(names = "--batch-lines", defaultValue = "500", description = "lines per request/batch, 1..10000 (default ${DEFAULT-VALUE})")
    int batchLines;

    @Option(names = "--batch-bytes", defaultValue = "524288", description = "bytes per request at most (a longer line goes alone; default ${DEFAULT-VALUE})")
    int batchBytes;

    @Parameters(paramLabel = "FILE", description = "the export file, or - for stdin")
    String file;

    @Override
    public Integer call() throws Exception {
        var cl = target.spec.commandLine();
        if (batchLines < 1 || batchLines > 10_000) throw new picocli.CommandLine.ParameterException(cl, "--batch-lines must be in 1..10000");
        if (batchBytes < 1024) throw new picocli.CommandLine.ParameterException(cl, "--batch-bytes must be at least 1024");
        Path path = file.equals("-") ? null : Path.of(file);
        if (path != null && !Files.isRegularFile(path)) throw new CliException("no file " + file);
        long total = path == null ? -1 : countLines(path);
        long started = System.nanoTime();
        long lineNo = 0;
        long imported = 0;
        try (Backend b = target.open(Durability.interval(Duration.ofMillis(50)));
                InputStream raw = path == null ? System.in : Files.newInputStream(path);
                BufferedReader in = new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)));
                Progress bar = new Progress("import", total, progress)) {
            ByteArrayOutputStream batch = new ByteArrayOutputStream();
            long batchFirst = 1;
            int inBatch = 0;
            String line;
            while (true) {
                try {
                    line = in.readLine();
                } catch (java.nio.charset.CharacterCodingException e) {
                    throw new CliException("line " + (lineNo + 1) + ": not valid UTF-8 (" + imported + " memory version(s) imported before it)");
                }
                byte[] bytes = line == null ? null : (line + "\n").getBytes(StandardCharsets.UTF_8);
                if (inBatch > 0 && (line == null || inBatch >= batchLines || batch.size() + bytes.length > batchBytes)) {
                    imported += send(b, batch.toByteArray(), batchFirst, imported);
                    bar.step(inBatch);
                    bar.message(imported + " imported");
                    batch.reset();
                    inBatch = 0;
                }
                if (line == null) break;
                lineNo++;
                if (inBatch == 0) batchFirst = lineNo;
                batch.write(bytes);
                inBatch++;
            }
        }
        Output.note(String.format(java.util.Locale.ROOT, "engram import: %d memory version(s) from %d line(s) into user %s in %.1f s",
                imported, lineNo, user, (System.nanoTime() - started) / 1e9));
        return 0;
    }

    private long send(Backend b, byte[] batch, long firstLine, long importedBefore) throws Exception {
        try {
            return b.importLines(user, batch);
        } catch (Backend.ImportLineException e) {
            long at = firstLine + e.line - 1;
            throw new CliException("line " + at + ": " + e.getMessage() + " — the import stopped there; the lines before it were imported"
                    + " (count them with `engram export`), nothing from it on");
        }
    }

    private static long countLines(Path p) throws java.io.IOException {
        long n = 0;
        boolean partial = false;
        try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[64 * 1024];
            int r;
            while ((r = in.read(buf)) > 0) {
                for (int i = 0; i < r; i++) if (buf[i] == '\n') n++;
                partial = buf[r - 1] != '\n';
            }
        }
        return partial ? n + 1 : n;
    }
}
