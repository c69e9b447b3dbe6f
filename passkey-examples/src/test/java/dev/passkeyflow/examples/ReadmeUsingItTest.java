package dev.passkeyflow.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.storage.jdbc.JdbcStorage;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the README's "Using it" code honest: its Java snippet is compiled against the published
 * modules and run on an H2 database, and its BOM import names the real BOM at the real version.
 */
@DisplayName("The README's \"Using it\" section")
class ReadmeUsingItTest {

    private static final Path ROOT = RepositoryFiles.root();

    /** The snippet in the only context the README gives it: a JdbcStorage named storage. */
    private static final String WRAPPER = """
            package readme;

            import dev.passkeyflow.core.LoginFlow;
            import dev.passkeyflow.core.advisor.ThresholdLoginAdvisor;
            import dev.passkeyflow.storage.jdbc.JdbcStorage;

            public final class UsingIt {
                public static LoginFlow build(JdbcStorage storage) {
            %s
                    return flow;
                }
            }
            """;

    @TempDir
    Path work;

    @Test
    @DisplayName("its Java snippet compiles against the modules and builds a LoginFlow")
    void snippetCompilesAndRuns() throws Exception {
        String snippet = usingItJava(readme());

        List<Diagnostic<? extends JavaFileObject>> errors = compile(snippet);
        assertThat(errors).as("compiler errors for the README snippet").isEmpty();

        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:readme-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        JdbcStorage storage = JdbcStorage.builder()
                .dataSource(dataSource)
                .initializeSchema(true)
                .build();
        try (URLClassLoader loader = new URLClassLoader(
                new URL[] {work.resolve("classes").toUri().toURL()}, getClass().getClassLoader())) {
            Method build = loader.loadClass("readme.UsingIt").getMethod("build", JdbcStorage.class);
            Object flow = build.invoke(null, storage);
            assertThat(flow).isInstanceOf(LoginFlow.class);
        }
    }

    @Test
    @DisplayName("a snippet that calls a builder method that does not exist fails to compile (the check can fail)")
    void brokenSnippetIsCaught() throws Exception {
        String broken = usingItJava(readme()).replace(".rpId(", ".relyingPartyIdentifier(");

        assertThat(compile(broken)).as("compiler errors").isNotEmpty();
    }

    @Test
    @DisplayName("it imports the BOM of this build, at this build's version")
    void bomImportMatchesTheBuild() throws IOException {
        String usingIt = section(readme(), "## Using it");
        String version = RepositoryFiles.projectVersion();

        assertThat(usingIt).contains("    mvn -B install -DskipTests\n");
        assertThat(usingIt)
                .contains("<artifactId>passkeyflow-bom</artifactId>\n      <version>" + version
                        + "</version>\n      <type>pom</type>\n      <scope>import</scope>");
        assertThat(RepositoryFiles.read(ROOT.resolve("passkeyflow-bom/pom.xml")))
                .contains("<artifactId>passkeyflow-bom</artifactId>");
    }

    private List<Diagnostic<? extends JavaFileObject>> compile(String snippet) throws IOException {
        Path source = work.resolve("src/readme/UsingIt.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, WRAPPER.formatted(snippet.indent(8)), StandardCharsets.UTF_8);
        Path classes = Files.createDirectories(work.resolve("classes"));

        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files =
                compiler.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            List<String> options = List.of("--release", "17", "-classpath", testClassPath(), "-d", classes.toString());
            Boolean ok = compiler.getTask(
                            null, files, diagnostics, options, null, files.getJavaFileObjects(source.toFile()))
                    .call();
            List<Diagnostic<? extends JavaFileObject>> errors = diagnostics.getDiagnostics().stream()
                    .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                    .toList();
            assertThat(ok).as("compiler result agrees with its diagnostics").isEqualTo(errors.isEmpty());
            return errors;
        }
    }

    /** Surefire starts the JVM through a manifest-only jar and names the real class path here. */
    private static String testClassPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path", "");
    }

    private static String readme() throws IOException {
        return RepositoryFiles.read(ROOT.resolve("README.md"));
    }

    /** The first ```java block of the "Using it" section. */
    static String usingItJava(String readme) {
        Matcher java = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(section(readme, "## Using it"));
        assertThat(java.find()).as("a ```java block under \"## Using it\"").isTrue();
        return java.group(1);
    }

    /** From the heading to the next heading of the same level. */
    static String section(String markdown, String heading) {
        int start = markdown.indexOf("\n" + heading + "\n");
        assertThat(start).as("README heading " + heading).isNotNegative();
        int end = markdown.indexOf("\n## ", start + heading.length() + 2);
        return markdown.substring(start + 1, end < 0 ? markdown.length() : end + 1);
    }
}
