package dev.passkeyflow.intelligence;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Keeps the rules and the history readers out of the public API: they live beside the facade as
 * package-private classes, so the module's public top-level types are exactly the list below. A class that
 * becomes public, or a new internal package, fails this test.
 */
@DisplayName("passkey-intelligence's public surface")
class ApiSurfaceTest {

    private static final Set<String> API = Set.of(
            "dev.passkeyflow.intelligence.AutoHealingPolicy",
            "dev.passkeyflow.intelligence.IntelligenceEvent",
            "dev.passkeyflow.intelligence.IntelligenceListener",
            "dev.passkeyflow.intelligence.PasskeyIntelligence",
            "dev.passkeyflow.intelligence.PasskeyProvider",
            "dev.passkeyflow.intelligence.PasskeyProviders",
            "dev.passkeyflow.intelligence.PlatformHints",
            "dev.passkeyflow.intelligence.ProviderKind");

    @Test
    @DisplayName("the module's only package holds no public type beyond the documented API")
    void onlyTheApiIsPublic() throws Exception {
        Path root = Path.of(PasskeyIntelligence.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        Path pkg = root.resolve("dev/passkeyflow/intelligence");
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> dirs = Files.walk(root)) {
            dirs.filter(Files::isDirectory)
                    .filter(d -> {
                        try (Stream<Path> files = Files.list(d)) {
                            return files.anyMatch(f -> f.toString().endsWith(".class"));
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .forEach(d -> packages.add(root.relativize(d).toString()));
        }
        assertThat(packages).containsExactly("dev/passkeyflow/intelligence");

        Set<String> reachable = new TreeSet<>();
        Set<String> all = new TreeSet<>();
        try (Stream<Path> files = Files.list(pkg)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String file = f.getFileName().toString();
                if (file.equals("package-info.class")) {
                    continue;
                }
                Class<?> type = Class.forName(
                        "dev.passkeyflow.intelligence." + file.replace(".class", ""),
                        false,
                        getClass().getClassLoader());
                all.add(type.getName());
                if (!type.isAnonymousClass()
                        && !type.isLocalClass()
                        && reachable(type)
                        && !type.getSimpleName().isEmpty()) {
                    reachable.add(type.getName());
                }
            }
        }
        assertThat(all)
                .as("the scan sees the package-private rules")
                .contains("dev.passkeyflow.intelligence.OfferRules");
        // Nested public types are reachable only through a public owner, which this list covers.
        assertThat(reachable).filteredOn(n -> !n.contains("$")).containsExactlyInAnyOrderElementsOf(API);
    }

    private static boolean reachable(Class<?> type) {
        for (Class<?> t = type; t != null; t = t.getEnclosingClass()) {
            if (!Modifier.isPublic(t.getModifiers())) {
                return false;
            }
        }
        return true;
    }
}
