package dev.passkeyflow.examples;

import dev.passkeyflow.client.ClientAsset;
import dev.passkeyflow.examples.Sessions.WebSession;
import org.jspecify.annotations.Nullable;

/**
 * The shell every page of the demo shares (but {@code /insights}, which has no session): head with
 * the CSRF token, the RP id and the browser client's URL, the header with its navigation, the
 * footer that tells a developer which library call the page makes, the Signal API calls due
 * ({@code pkf-signals}) and the page state for the page script ({@code pkf-state}). Page state
 * travels in {@code <script type="application/json">} elements so that the Content-Security-Policy
 * can forbid inline scripts.
 *
 * <p>Accessibility: pages that change without a reload have a polite live region ({@code #status},
 * {@code role="status"}) and an assertive one for errors ({@code #passkey-error},
 * {@code role="alert"}); headings can take focus ({@code tabindex="-1"}) and {@code demo.js} moves
 * focus to what the person does next (Try again, Add a passkey, the error).
 */
final class PageShell {

    /** The page script: which browser code drives the page. */
    enum Script {
        /** {@code demo.js}: the identifier-first flow's pages and the dashboard. */
        DEMO("<script type=\"module\" src=\"/static/demo.js\"></script>"),
        /** {@code modes-client.js} and {@code modes.js}: the passkey-first modes' pages. */
        MODES("<script type=\"module\" src=\"/static/modes-client.js\"></script>\n"
                + "  <script src=\"/static/modes.js\" defer></script>");

        final String tags;

        Script(String tags) {
            this.tags = tags;
        }
    }

    private PageShell() {}

    /**
     * A whole page.
     *
     * @param body the page's HTML, values already escaped
     * @param stateJson the page state for the page script (JSON made safe for a script element), or null
     * @param libraryNote HTML: which passkeyflow call the page makes
     */
    static String render(
            String title,
            String page,
            WebSession session,
            String body,
            @Nullable String stateJson,
            String libraryNote,
            Script script) {
        String lastError = session.lastClientError;
        return """
                <!doctype html>
                <html lang="en">
                <head>
                  <meta charset="utf-8">
                  <meta name="viewport" content="width=device-width, initial-scale=1">
                  <meta name="csrf-token" content="%s">
                  <meta name="rp-id" content="%s">
                  <meta name="passkeyflow-client" content="%s">
                  <title>%s · passkeyflow demo</title>
                  <link rel="stylesheet" href="/static/demo.css">
                  %s
                </head>
                <body data-page="%s">
                  <header><a href="/" class="brand">passkeyflow demo</a><nav>%s</nav></header>
                  <main>
                %s
                  </main>
                  <footer>
                    <details id="dev-notes"><summary>How this page uses passkeyflow</summary>
                      <p>Library call: %s</p>
                      <p>Signal API calls made by this page: <span id="signal-log">none</span></p>
                      <p>Last client error reported: <span id="error-log">%s</span></p>
                    </details>
                  </footer>
                  <script type="application/json" id="pkf-signals">%s</script>
                  <script type="application/json" id="pkf-state">%s</script>
                </body>
                </html>
                """.formatted(
                        Html.esc(session.csrfToken),
                        DemoConfig.RP_ID,
                        Html.esc(ClientAsset.webjarPath()),
                        Html.esc(title),
                        script.tags,
                        page,
                        nav(session),
                        body,
                        libraryNote,
                        Html.esc(lastError == null ? "none" : lastError),
                        Json.forScript(session.takeSignals()),
                        stateJson == null ? "null" : stateJson);
    }

    private static String nav(WebSession session) {
        if (!session.signedIn()) {
            return "<a href=\"/login\">Sign in</a> <a href=\"/signup\">Sign up</a>";
        }
        return """
                <a id="nav-dashboard" href="/dashboard">Dashboard</a> \
                <a id="nav-settings" href="%s">Passkey settings</a> \
                <form method="post" action="/logout" class="inline">%s<button id="logout" type="submit" \
                class="link">Log out</button></form>""".formatted(ModesWeb.SETTINGS, Html.hidden(session));
    }
}
