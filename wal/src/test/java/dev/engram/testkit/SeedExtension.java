package dev.engram.testkit;

import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/**
 * Supplies {@link TestRandom} parameters and reports the seed of a failed test. The seed comes from
 * the system property {@code engram.seed} (hex with {@code 0x}, or decimal) when it is set, so a
 * reported failure can be replayed exactly; otherwise each test invocation draws a new seed.
 */
public final class SeedExtension implements ParameterResolver, TestExecutionExceptionHandler {
    /** The system property that fixes the seed of every randomized test in the run. */
    public static final String SEED_PROPERTY = "engram.seed";

    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SeedExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TestRandom.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getStore(NS).computeIfAbsent("random", k -> new TestRandom(initialSeed()), TestRandom.class);
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure) throws Throwable {
        TestRandom random = context.getStore(NS).get("random", TestRandom.class);
        if (random != null) {
            String message = reproduceMessage(context, random.seed());
            System.err.println(message);
            failure.addSuppressed(new SeedInfo(message));
        }
        throw failure;
    }

    /** The seed fixed by {@code -Dengram.seed}, or a fresh one. */
    public static long initialSeed() {
        String fixed = System.getProperty(SEED_PROPERTY);
        if (fixed == null || fixed.isBlank()) return ThreadLocalRandom.current().nextLong();
        String s = fixed.trim();
        return s.startsWith("0x") || s.startsWith("0X")
                ? Long.parseUnsignedLong(s.substring(2), 16)
                : Long.parseLong(s);
    }

    static String reproduceMessage(ExtensionContext context, long seed) {
        String cls = context.getRequiredTestClass().getName();
        String simple = context.getRequiredTestClass().getSimpleName();
        String method = context.getTestMethod().map(m -> "#" + m.getName()).orElse("");
        String module = moduleOf(context.getRequiredTestClass());
        return "Randomized test " + cls + method + " failed with seed 0x" + Long.toHexString(seed)
                + "\n  reproduce: ./mvnw -pl " + module + " -am verify -Dsurefire.failIfNoSpecifiedTests=false"
                + " -Dtest='" + simple + method + "' -D" + SEED_PROPERTY + "=0x" + Long.toHexString(seed);
    }

    private static String moduleOf(Class<?> testClass) {
        var location = testClass.getProtectionDomain().getCodeSource();
        if (location != null) {
            String path = location.getLocation().getPath();
            int target = path.lastIndexOf("/target/");
            if (target > 0) {
                String dir = path.substring(0, target);
                return dir.substring(dir.lastIndexOf('/') + 1);
            }
        }
        return "<module>";
    }

    /** Carries the seed into the failure report; it has no stack trace of its own. */
    static final class SeedInfo extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SeedInfo(String message) {
            super(message, null, false, false);
        }
    }
}
