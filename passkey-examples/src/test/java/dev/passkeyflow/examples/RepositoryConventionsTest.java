package dev.passkeyflow.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Rules that span the modules and that no compiler checks: nullness declared on every package,
 * a BOM that lists exactly what is published, a NOTICE that accounts for every bundled file, and
 * exceptions to the size rule that each say why.
 */
@DisplayName("The repository's release conventions")
class RepositoryConventionsTest {

    private static final Path ROOT = RepositoryFiles.root();

    @Test
    @DisplayName("every package of main code, the testkit's included, is @NullMarked in its package-info")
    void everyMainPackageIsNullMarked() throws IOException {
        List<Path> packages = mainPackages();
        assertThat(packages).as("packages found").hasSizeGreaterThan(10);

        List<String> unmarked = packages.stream()
                .filter(dir -> !nullMarked(dir.resolve("package-info.java")))
                .map(dir -> ROOT.relativize(dir).toString())
                .toList();
        assertThat(unmarked)
                .as("packages without @NullMarked in package-info.java")
                .isEmpty();
    }

    @Test
    @DisplayName("the BOM lists every published module, nothing else, at the parent's version")
    void bomListsEveryPublishedModule() {
        Document parent = RepositoryFiles.pom(ROOT.resolve("pom.xml"));
        Set<String> published = new TreeSet<>();
        for (String module : RepositoryFiles.all(parent, "module")) {
            Document pom = RepositoryFiles.pom(ROOT.resolve(module).resolve("pom.xml"));
            boolean notPublished = RepositoryFiles.all(pom, "maven.deploy.skip").contains("true");
            boolean isPom = RepositoryFiles.projectChild(pom, "packaging").equals("pom");
            if (!notPublished && !isPom) {
                published.add(RepositoryFiles.projectChild(pom, "artifactId"));
            }
        }
        assertThat(published).as("published modules").contains("passkey-core", "passkey-storage-spi");

        Document bom = RepositoryFiles.pom(ROOT.resolve("passkeyflow-bom/pom.xml"));
        Map<String, String> managed = RepositoryFiles.managedVersions(bom, Map.of());
        Set<String> ours = managed.keySet().stream()
                .filter(k -> k.startsWith("dev.passkeyflow:"))
                .map(k -> k.substring("dev.passkeyflow:".length()))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(ours).as("passkeyflow artifacts in the BOM").containsExactlyElementsOf(published);
        assertThat(RepositoryFiles.projectChild(bom, "version")).isEqualTo(RepositoryFiles.projectVersion());
        assertThat(managed).as("versions of our artifacts follow the BOM's own").allSatisfy((key, version) -> {
            if (key.startsWith("dev.passkeyflow:")) {
                assertThat(version).isEqualTo("${project.version}");
            }
        });
    }

    @Test
    @DisplayName("the BOM pins each third-party library at the version the parent POM builds with")
    void bomPinsMatchTheBuild() {
        Document parent = RepositoryFiles.pom(ROOT.resolve("pom.xml"));
        Map<String, String> built = RepositoryFiles.managedVersions(parent, RepositoryFiles.properties(parent));
        Map<String, String> pinned = new TreeMap<>(RepositoryFiles.managedVersions(
                RepositoryFiles.pom(ROOT.resolve("passkeyflow-bom/pom.xml")), Map.of()));
        pinned.keySet().removeIf(k -> k.startsWith("dev.passkeyflow:"));
        assertThat(pinned).as("third-party pins in the BOM").containsKey("com.fasterxml.jackson:jackson-bom");

        assertThat(pinned).allSatisfy((key, version) -> assertThat(built).containsEntry(key, version));
    }

    @Test
    @DisplayName("NOTICE names every file bundled from src/main/resources")
    void noticeAccountsForBundledFiles() throws IOException {
        String notice = RepositoryFiles.read(ROOT.resolve("NOTICE"));
        List<String> resources = new ArrayList<>();
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path folder : modules.map(m -> m.resolve("src/main/resources"))
                    .filter(Files::isDirectory)
                    .toList()) {
                try (Stream<Path> files = Files.walk(folder)) {
                    files.filter(Files::isRegularFile)
                            .map(f -> f.getFileName().toString())
                            .forEach(resources::add);
                }
            }
        }
        assertThat(resources).as("bundled files found").contains("aaguids.json");

        assertThat(resources).allSatisfy(name -> assertThat(notice).as("NOTICE").contains(name));
    }

    @Test
    @DisplayName("each exception to the size rule names one long file of main code whose class javadoc says why")
    void sizeRuleExceptionsSayWhy() throws IOException {
        Document rules = checkstyleXml(ROOT.resolve("config/checkstyle/size-rules.xml"));
        String maxLines = moduleProperty(rules, "FileLength", "max");
        assertThat(maxLines).as("FileLength's max in size-rules.xml").isEqualTo("400");
        NodeList suppressions = checkstyleXml(ROOT.resolve("config/checkstyle/suppressions.xml"))
                .getElementsByTagName("suppress");
        assertThat(suppressions.getLength()).as("suppressions found").isGreaterThan(0);
        List<Path> sources = mainSources();

        for (int i = 0; i < suppressions.getLength(); i++) {
            Element suppress = (Element) suppressions.item(i);
            String files = suppress.getAttribute("files");
            assertThat(suppress.getAttribute("checks"))
                    .as("checks suppressed for %s (never a method's length)", files)
                    .isEqualTo("FileLength");
            // Checkstyle finds the pattern in the file's absolute path; so does this.
            Pattern pattern = Pattern.compile(files);
            List<Path> matched = sources.stream()
                    .filter(f -> pattern.matcher(f.toString()).find())
                    .toList();
            assertThat(matched).as("main sources matched by %s", files).hasSize(1);

            Path file = matched.get(0);
            String text = RepositoryFiles.read(file);
            assertThat(text.split("\n", -1).length - 1)
                    .as("lines of %s (a suppression outlives its need)", file)
                    .isGreaterThan(Integer.parseInt(maxLines));
            assertThat(classJavadoc(text))
                    .as("class javadoc of %s", ROOT.relativize(file))
                    .containsPattern("the project's " + maxLines + " lines[^:.]*:\\s*(\\S+\\s+){4,}");
        }
    }

    private static List<Path> mainSources() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT, 12)) {
            return files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> ROOT.relativize(f).toString().matches("[^/]+/src/main/java/.+"))
                    .sorted()
                    .toList();
        }
    }

    /** The javadoc comment right before the file's top-level type (annotations may stand between). */
    private static String classJavadoc(String source) {
        Matcher declaration = Pattern.compile(
                        "^(?:public |abstract |final |sealed |non-sealed |strictfp )*(?:class|interface|enum|record|@interface) ",
                        Pattern.MULTILINE)
                .matcher(source);
        assertThat(declaration.find()).as("a top-level type declaration").isTrue();
        int start = source.lastIndexOf("/**", declaration.start());
        int end = source.indexOf("*/", Math.max(start, 0));
        assertThat(start).as("a javadoc comment before the type").isNotNegative();
        assertThat(source.substring(end + 2, declaration.start()).strip())
                .as("only annotations between the class javadoc and the type")
                .matches("(@\\w[^\\n]*\\n?\\s*)*");
        // Line breaks and leading asterisks removed, so that a sentence reads as one line.
        return source.substring(start, end).replaceAll("\\s*\\n\\s*\\*?\\s*", " ");
    }

    /** Checkstyle's files name a DTD; it is not fetched, the files are only read. */
    private static Document checkstyleXml(Path file) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            factory.setExpandEntityReferences(false);
            return factory.newDocumentBuilder().parse(file.toFile());
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    private static String moduleProperty(Document config, String module, String property) {
        NodeList modules = config.getElementsByTagName("module");
        for (int m = 0; m < modules.getLength(); m++) {
            Element element = (Element) modules.item(m);
            if (!element.getAttribute("name").equals(module)) {
                continue;
            }
            NodeList properties = element.getElementsByTagName("property");
            for (int p = 0; p < properties.getLength(); p++) {
                Element candidate = (Element) properties.item(p);
                if (candidate.getAttribute("name").equals(property)) {
                    return candidate.getAttribute("value");
                }
            }
        }
        return "";
    }

    @Test
    @DisplayName("every screenshot in docs/screenshots is shown in README or the docs, and every one they show exists")
    void screenshotsAreReferenced() throws IOException {
        Path dir = ROOT.resolve("docs/screenshots");
        List<String> files;
        try (Stream<Path> pngs = Files.list(dir)) {
            files = pngs.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".png"))
                    .sorted()
                    .toList();
        }
        StringBuilder docs = new StringBuilder(RepositoryFiles.read(ROOT.resolve("README.md")))
                .append(RepositoryFiles.read(ROOT.resolve("passkey-examples/README.md")));
        try (Stream<Path> markdown = Files.list(ROOT.resolve("docs"))) {
            markdown.filter(p -> p.toString().endsWith(".md")).forEach(p -> docs.append(RepositoryFiles.read(p)));
        }
        assertThat(files).as("screenshots").isNotEmpty();
        assertThat(files)
                .as("screenshots no document shows")
                .allSatisfy(name -> assertThat(docs.toString()).contains("screenshots/" + name));
        Matcher shown = Pattern.compile("screenshots/([\\w-]+\\.png)").matcher(docs);
        while (shown.find()) {
            assertThat(files).as("screenshots the documents show").contains(shown.group(1));
        }
    }

    private static List<Path> mainPackages() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT, 12)) {
            return files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> ROOT.relativize(f).toString().matches("[^/]+/src/main/java/.+"))
                    .map(Path::getParent)
                    .distinct()
                    .sorted()
                    .toList();
        }
    }

    private static boolean nullMarked(Path packageInfo) {
        return Files.exists(packageInfo) && RepositoryFiles.read(packageInfo).contains("\n@NullMarked\n");
    }
}
