package dev.passkeyflow.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** The repository around this module, for the tests that check files beyond one module. */
final class RepositoryFiles {

    private RepositoryFiles() {}

    /** The repository root: Surefire runs the tests in the module's folder. */
    static Path root() {
        Path root = Path.of("").toAbsolutePath().getParent();
        assertThat(root.resolve("pom.xml"))
                .as("the parent POM beside this module")
                .exists();
        return root;
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Document pom(Path file) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(file.toFile());
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    /** The text of the project's own child element (not of parent or dependency elements). */
    static String projectChild(Document pom, String name) {
        for (Node node = pom.getDocumentElement().getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                return element.getTextContent().trim();
            }
        }
        return "";
    }

    /** The texts of every element with this tag, anywhere in the document. */
    static List<String> all(Document pom, String tag) {
        NodeList nodes = pom.getElementsByTagName(tag);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            texts.add(nodes.item(i).getTextContent().trim());
        }
        return texts;
    }

    /** The POM's properties, by name. */
    static Map<String, String> properties(Document pom) {
        Map<String, String> properties = new HashMap<>();
        NodeList blocks = pom.getDocumentElement().getElementsByTagName("properties");
        for (int b = 0; b < blocks.getLength(); b++) {
            for (Node node = blocks.item(b).getFirstChild(); node != null; node = node.getNextSibling()) {
                if (node instanceof Element element) {
                    properties.put(
                            element.getTagName(), element.getTextContent().trim());
                }
            }
        }
        return properties;
    }

    /** groupId:artifactId to version of the dependencyManagement entries, ${property} resolved. */
    static Map<String, String> managedVersions(Document pom, Map<String, String> properties) {
        Map<String, String> versions = new HashMap<>();
        NodeList managements = pom.getElementsByTagName("dependencyManagement");
        for (int m = 0; m < managements.getLength(); m++) {
            NodeList dependencies = ((Element) managements.item(m)).getElementsByTagName("dependency");
            for (int d = 0; d < dependencies.getLength(); d++) {
                Element dependency = (Element) dependencies.item(d);
                String version = text(dependency, "version");
                if (version.startsWith("${") && properties.containsKey(version.substring(2, version.length() - 1))) {
                    version = properties.get(version.substring(2, version.length() - 1));
                }
                versions.put(text(dependency, "groupId") + ":" + text(dependency, "artifactId"), version);
            }
        }
        return versions;
    }

    private static String text(Element parent, String tag) {
        NodeList nodes = parent.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().trim();
    }

    static String projectVersion() {
        return projectChild(pom(root().resolve("pom.xml")), "version");
    }
}
