package dev.engram.testkit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The command line of a child JVM for crash tests: this JVM's java, the project's JVM flags, its class path. */
public final class ChildJvm {
    private ChildJvm() {}

    /**
     * {@code java <flags> -Xmx<heap> -XX:TieredStopAtLevel=1 -cp <this class path> <main> <args>}. The
     * flags are the parent pom's {@code engram.jvm.flags} (passed by surefire and the scripts as a
     * system property), else the module flags this JVM was started with.
     */
    public static List<String> command(Class<?> main, String heap, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        String flags = System.getProperty("engram.jvm.flags");
        if (flags != null && !flags.isBlank()) {
            cmd.addAll(Arrays.asList(flags.trim().split("\\s+")));
        } else {
            for (String arg : ProcessHandle.current().info().arguments().orElse(new String[0])) {
                if (arg.startsWith("--add-") || arg.startsWith("--enable-native-access") || arg.startsWith("--sun-misc")) cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-Xmx" + heap, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }
}
