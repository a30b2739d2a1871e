package dev.engram.server.cli;

import dev.engram.wal.Durability;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code engram search --user alice "where do I live?"}: the best memories, as JSON. */
@Command(name = "search", mixinStandardHelpOptions = true, description = "Search a user's memories (server or data directory); prints the JSON answer.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:failed (message on stderr)", "2:bad usage"})
public final class SearchCommand implements Callable<Integer> {
    @Mixin
    Target target;

    @Option(names = "--user", required = true, description = "user id")
    String user;

    @Option(names = "--limit", defaultValue = "10", description = "most memories returned, 1..1000 (default ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--token-budget", defaultValue = "0", description = "pack the answer into this many tokens (0: no budget)")
    int tokenBudget;

    @Option(names = "--session-consistent", description = "wait until the user's earlier ingestions are applied")
    boolean session;

    @Parameters(arity = "1..*", paramLabel = "QUERY", description = "the query (several words are joined with spaces)")
    String[] words;

    @Override
    public Integer call() throws Exception {
        if (limit < 1 || limit > 1000) throw new picocli.CommandLine.ParameterException(target.spec.commandLine(), "--limit must be in 1..1000, was " + limit);
        if (tokenBudget < 0) throw new picocli.CommandLine.ParameterException(target.spec.commandLine(), "--token-budget must be >= 0, was " + tokenBudget);
        try (Backend b = target.open(Durability.SYNC)) {
            Output.json(b.search(user, String.join(" ", words), limit, tokenBudget, session));
        }
        return 0;
    }
}
