package dev.passkeyflow.spring;

import dev.passkeyflow.client.ClientAsset;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import org.jspecify.annotations.Nullable;

/**
 * The two ES modules a login page loads from the endpoints: this starter's UI
 * ({@value #UI_SCRIPT}) and the browser client package it imports ({@link ClientAsset#MODULE_FILE},
 * from the passkey-client-js WebJar). Read once, at start.
 */
final class PageScripts {

    static final String UI_SCRIPT = "passkeyflow-spring.js";
    static final String CLIENT_SCRIPT = ClientAsset.MODULE_FILE;

    private final byte[] ui;
    private final byte[] client;

    PageScripts() {
        this.ui = read(PageScripts.class.getResource(UI_SCRIPT));
        this.client = read(PageScripts.class.getClassLoader().getResource(ClientAsset.classpathResource()));
    }

    void serveUi(HttpServletResponse response) throws IOException {
        serve(response, ui);
    }

    void serveClient(HttpServletResponse response) throws IOException {
        serve(response, client);
    }

    private static void serve(HttpServletResponse response, byte[] script) throws IOException {
        response.setContentType("text/javascript;charset=UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.getOutputStream().write(script);
    }

    private static byte[] read(@Nullable URL resource) {
        if (resource == null) {
            throw new IllegalStateException("a page script is missing from the class path (passkey-client-js "
                    + "or passkey-spring-boot-starter is incomplete)");
        }
        try (InputStream in = resource.openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
