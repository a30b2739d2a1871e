package dev.engram.server.cli;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code engram ingest --user alice "I moved to Lisbon."}: sends one turn to a running server. */
@Command(name = "ingest", mixinStandardHelpOptions = true, description = "Send conversation text to a running server.")
public final class IngestCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Option(names = "--session", description = "session id")
    String session;

    @Option(names = "--role", defaultValue = "user", description = "user, assistant, system or tool (default ${DEFAULT-VALUE})")
    String role;

    @Option(names = "--wait", description = "answer once extraction has applied the turn")
    boolean wait;

    @Parameters(arity = "1..*", description = "the text (several words are joined with spaces)")
    String[] words;

    @Override
    public Integer call() throws Exception {
        JsonMapper json = new JsonMapper();
        ObjectNode body = json.createObjectNode();
        if (session != null) body.put("session_id", session);
        body.putArray("messages").addObject().put("role", role).put("content", String.join(" ", words));
        if (wait) body.put("wait", true);
        return client.post("turns", json.writeValueAsString(body));
    }
}
