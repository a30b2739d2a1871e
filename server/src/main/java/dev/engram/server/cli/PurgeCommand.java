package dev.engram.server.cli;

import dev.engram.wal.Durability;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code engram purge --user alice}: removes every trace of the user (docs/privacy.md, "Purge")
 * after a confirmation (type the user id; {@code --yes} skips it) and prints the receipt.
 */
@Command(name = "purge", mixinStandardHelpOptions = true, description = {
        "Remove every trace of a user (memories, versions, indexes, pending ingestions, WAL records).",
        "Asks to type the user id to confirm, unless --yes. Prints the receipt (never content)."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:purged", "1:failed or not confirmed (message on stderr)", "2:bad usage"})
public final class PurgeCommand implements Callable<Integer> {
    @Mixin
    Target target;

    @Option(names = "--user", required = true, description = "user id")
    String user;

    @Option(names = {"--yes", "-y"}, description = "do not ask for confirmation")
    boolean yes;

    @Override
    public Integer call() throws Exception {
        if (!yes) {
            System.err.print("Purge user '" + user + "' for good (every memory, version and pending ingestion)? Type the user id to confirm: ");
            System.err.flush();
            String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (answer == null || !answer.strip().equals(user)) {
                Output.note("engram purge: not confirmed; nothing was removed (use --yes in scripts)");
                return 1;
            }
        }
        try (Backend b = target.open(Durability.SYNC)) {
            Output.json(b.purge(user));
            Output.note("engram purge: user " + user + " purged from " + b.where());
        }
        return 0;
    }
}
