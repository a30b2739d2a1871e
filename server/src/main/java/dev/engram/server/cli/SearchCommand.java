package dev.engram.server.cli;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code engram search --user alice "where do I live?"}: searches a running server. */
@Command(name = "search", mixinStandardHelpOptions = true, description = "Search a user's memories on a running server.")
public final class SearchCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Option(names = "--limit", defaultValue = "10", description = "most memories returned (default ${DEFAULT-VALUE})")
    int limit;

    @Option(names = "--session-consistent", description = "wait until the user's earlier ingestions are applied")
    boolean session;

    @Parameters(arity = "1..*", description = "the query (several words are joined with spaces)")
    String[] words;

    @Override
    public Integer call() throws Exception {
        JsonMapper json = new JsonMapper();
        ObjectNode body = json.createObjectNode().put("query", String.join(" ", words)).put("limit", limit);
        if (session) body.put("consistency", "session");
        return client.post("memories/search", json.writeValueAsString(body));
    }
}
