package dev.passkeyflow.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Keeps the implementation out of the public API: every class compiled into
 * {@code dev.passkeyflow.core.internal} must be unreachable from outside its package, except the
 * two the builder needs (the validated settings and the factory that refuses every caller but
 * {@link LoginFlow.Builder}). The package is also left out of the module's exports (its jar names
 * only {@code Automatic-Module-Name}; see docs/architecture.md).
 */
@DisplayName("passkey-core's public surface")
class ApiSurfaceTest {

    private static final Set<String> PUBLIC_INTERNALS =
            Set.of("dev.passkeyflow.core.internal.FlowSettings", "dev.passkeyflow.core.internal.LoginFlowFactory");

    @Test
    @DisplayName("no class of the internal package is public API beyond the two the builder needs")
    void internalsStayInternal() throws Exception {
        assertThat(publicTypesUnder("dev/passkeyflow/core/internal")).isEqualTo(new TreeSet<>(PUBLIC_INTERNALS));
    }

    @Test
    @DisplayName("the internal package is really scanned: it holds the engine's classes")
    void scanSeesTheEngine() throws Exception {
        assertThat(compiledTypesUnder("dev/passkeyflow/core/internal"))
                .contains("dev.passkeyflow.core.internal.DefaultLoginFlow", "dev.passkeyflow.core.internal.StepRunner")
                .hasSizeGreaterThan(20);
    }

    /** The types (top-level and nested) compiled into a package, by binary name. */
    static List<String> compiledTypesUnder(String packagePath) throws IOException, URISyntaxException {
        Path root = Path.of(LoginFlow.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        try (Stream<Path> files = Files.list(root.resolve(packagePath))) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".class"))
                    .filter(n -> !n.equals("package-info.class"))
                    .map(n -> packagePath.replace('/', '.') + "." + n.substring(0, n.length() - ".class".length()))
                    .sorted()
                    .toList();
        }
    }

    /** The types of a package that code outside it can name: public, and every enclosing type public too. */
    static Set<String> publicTypesUnder(String packagePath) throws Exception {
        Set<String> reachable = new TreeSet<>();
        for (String name : compiledTypesUnder(packagePath)) {
            Class<?> type = Class.forName(name, false, ApiSurfaceTest.class.getClassLoader());
            if (!type.isAnonymousClass() && !type.isLocalClass() && isReachable(type)) {
                reachable.add(type.getName());
            }
        }
        return reachable;
    }

    private static boolean isReachable(Class<?> type) {
        for (Class<?> t = type; t != null; t = t.getEnclosingClass()) {
            if (!Modifier.isPublic(t.getModifiers())) {
                return false;
            }
        }
        return true;
    }
}
