package dev.passkeyflow.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The passkeyflow browser client in this WebJar: the ES module {@value #MODULE_FILE} and its type
 * declarations under {@code META-INF/resources/webjars/passkeyflow-client/VERSION/}, the layout
 * servlet containers, Spring Boot and Javalin ({@code staticFiles.enableWebjars()}) serve at
 * {@code /webjars/passkeyflow-client/VERSION/...}.
 */
public final class ClientAsset {

    /** The module's file name. */
    public static final String MODULE_FILE = "passkeyflow-client.js";
    /** The TypeScript declarations' file name. */
    public static final String TYPES_FILE = "passkeyflow-client.d.ts";

    private static final String PROPERTIES = "META-INF/passkeyflow/client.properties";
    private static final String VERSION;
    private static final String WEBJAR;

    static {
        Properties properties = new Properties();
        try (InputStream in = ClientAsset.class.getClassLoader().getResourceAsStream(PROPERTIES)) {
            if (in == null) {
                throw new IllegalStateException(PROPERTIES + " is missing from the passkey-client-js jar");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + PROPERTIES, e);
        }
        VERSION = properties.getProperty("version");
        WEBJAR = properties.getProperty("webjar");
    }

    private ClientAsset() {}

    /** The module's version, e.g. {@code 0.1.0-SNAPSHOT} (also its {@code VERSION} export). */
    public static String version() {
        return VERSION;
    }

    /** The URL path of the module when the WebJar is served at {@code /webjars}: {@code /webjars/passkeyflow-client/VERSION/passkeyflow-client.js}. */
    public static String webjarPath() {
        return "/webjars/" + WEBJAR + "/" + VERSION + "/" + MODULE_FILE;
    }

    /** The module's class-path resource name: {@code META-INF/resources/webjars/passkeyflow-client/VERSION/passkeyflow-client.js}. */
    public static String classpathResource() {
        return "META-INF/resources" + webjarPath();
    }
}
