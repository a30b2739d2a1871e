package dev.engram.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code engram} command line: {@code serve}, and {@code ingest}/{@code search} against a running server. */
@Command(name = "engram", mixinStandardHelpOptions = true, version = "engram 0.1.0",
        description = "Long-term memory for AI agents.",
        subcommands = {ServeCommand.class, IngestCommand.class, SearchCommand.class, McpCommand.class})
public final class EngramCli implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int code = new CommandLine(new EngramCli()).execute(args);
        if (code != 0 || !ServeCommand.RUNNING.get()) System.exit(code);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
