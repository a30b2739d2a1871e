package dev.engram.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class or method as randomized: test methods may declare a {@link TestRandom}
 * parameter, seeded from {@code -Dengram.seed=<hex or decimal>} when given, otherwise from a fresh
 * random seed. When such a test fails, the seed and the command that reproduces the failure are
 * printed and attached to the failure as a suppressed exception.
 *
 * <pre>{@code
 * @Seeded
 * class MyTest {
 *     @RepeatedTest(20)
 *     void survives(TestRandom random) { ... random.nextInt(100) ... }
 * }
 * }</pre>
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(SeedExtension.class)
public @interface Seeded {}
