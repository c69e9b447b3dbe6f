package dev.passkeyflow.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The README's state diagram")
class ReadmeStateDiagramTest {

    @Test
    @DisplayName("is exactly what LoginFlow.stateDiagram() prints")
    void readmeDiagramMatchesCode() throws IOException {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme);
        int start = text.indexOf("```mermaid\n");
        assertThat(start).as("README.md has a mermaid block").isNotNegative();
        int end = text.indexOf("```", start + 11);
        String diagram = text.substring(start + "```mermaid\n".length(), end);

        assertThat(diagram).isEqualTo(LoginFlow.stateDiagram());
    }
}
