package dev.engram.server.cli;

import dev.engram.wal.Durability;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code engram ingest --user alice "I moved to Lisbon."}: sends one turn. */
@Command(name = "ingest", mixinStandardHelpOptions = true, description = {
        "Send conversation text (one message) to a server, or into a data directory.",
        "With --data the turn is applied (extracted) before the command returns."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:failed (message on stderr)", "2:bad usage"})
public final class IngestCommand implements Callable<Integer> {
    @Mixin
    Target target;

    @Option(names = "--user", required = true, description = "user id")
    String user;

    @Option(names = "--session", description = "session id")
    String session;

    @Option(names = "--role", defaultValue = "user", description = "user, assistant, system or tool (default ${DEFAULT-VALUE})")
    String role;

    @Option(names = "--wait", description = "with --url: answer once extraction has applied the turn")
    boolean wait;

    @Parameters(arity = "1..*", paramLabel = "TEXT", description = "the text (several words are joined with spaces)")
    String[] words;

    @Override
    public Integer call() throws Exception {
        try (Backend b = target.open(Durability.SYNC)) {
            Output.json(b.ingest(user, session, List.of(new Backend.Msg(role, String.join(" ", words), null, null, null)), wait));
        }
        return 0;
    }
}
