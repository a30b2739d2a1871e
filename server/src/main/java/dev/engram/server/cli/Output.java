package dev.engram.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.PrintStream;

/** Where commands print: JSON answers on stdout, messages on stderr (read at call time, so tests can capture them). */
final class Output {
    private static final JsonMapper JSON = new JsonMapper();

    private Output() {}

    static void json(JsonNode n) throws java.io.IOException {
        PrintStream out = System.out;
        out.println(JSON.writeValueAsString(n));
        out.flush();
    }

    static void note(String text) {
        System.err.println(text);
        System.err.flush();
    }
}
