package dev.passkeyflow.examples;

import dev.passkeyflow.core.FallbackReason;
import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.examples.Sessions.WebSession;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The demo's server-rendered HTML. No template engine: each page is a text block with escaped
 * values. Page state for the script ({@code passkeyflow.js}) travels in
 * {@code <script type="application/json">} elements, so the Content-Security-Policy can forbid
 * inline scripts.
 */
final class Pages {

    private Pages() {
    }

    /** One row of the dashboard's passkey table. */
    record PasskeyRow(String credentialId, String provider, String created, String lastUsed, String status,
            String statusClass, boolean thisDevice) {
    }

    static String signUp(WebSession session, @Nullable String error, String identifier, String displayName) {
        String body = """
                <h1>Create an account</h1>
                %s
                <form method="post" action="/signup" class="card" data-client-context>
                  %s
                  <label>Email or user name
                    <input id="identifier" name="identifier" autocomplete="username" required value="%s"></label>
                  <label>Display name <small>(optional)</small>
                    <input id="display-name" name="displayName" autocomplete="name" value="%s"></label>
                  <label>Password <small>(at least %d characters)</small>
                    <input id="password" name="password" type="password" autocomplete="new-password" required></label>
                  <button id="sign-up" type="submit">Create account</button>
                </form>
                <p>Already have an account? <a href="/login">Sign in</a></p>
                """.formatted(errorBox(error), hidden(session), esc(identifier), esc(displayName),
                Accounts.MIN_PASSWORD_LENGTH);
        return layout("Sign up", "signup", session, body, null, "none (the host creates the account; then "
                + "<code>LoginFlow.enrol</code> offers a first passkey)");
    }

    static String login(WebSession session, @Nullable String message) {
        String body = """
                <h1>Sign in</h1>
                %s
                <form method="post" action="/login" class="card" data-client-context>
                  %s
                  <label>Email or user name
                    <input id="identifier" name="identifier" autocomplete="username webauthn" required autofocus></label>
                  <button id="continue" type="submit">Continue</button>
                </form>
                <p>New here? <a href="/signup" id="sign-up-link">Create an account</a></p>
                """.formatted(message == null ? "" : "<p class=\"notice\" id=\"notice\">" + esc(message) + "</p>",
                hidden(session));
        return layout("Sign in", "login", session, body, null,
                "<code>LoginFlow.start(identifier, client)</code> when you continue");
    }

    static String passkey(WebSession session, String identifier, LoginStep.PasskeyChallenge step, String stateJson) {
        String lead;
        if (step.calmRetry()) {
            lead = """
                    <p id="calm-retry" class="calm">No problem. When you are ready, try your passkey again.</p>
                    <button id="try-again" type="button" data-start-passkey>Try again</button>""";
        } else if (step.autoStart()) {
            lead = """
                    <p id="passkey-status" class="calm">Confirm with your passkey to sign in&hellip;</p>
                    <button id="try-again" type="button" data-start-passkey hidden>Try again</button>""";
        } else {
            lead = """
                    <p id="passkey-status" class="calm">You can sign in with a passkey on this device.</p>
                    <button id="sign-in-passkey" type="button" data-start-passkey>Sign in with a passkey</button>""";
        }
        String body = """
                <h1>Sign in</h1>
                <p class="who">Signing in as <strong id="who">%s</strong></p>
                <div class="card" id="passkey-card">
                  %s
                  <p id="passkey-error" class="error" hidden></p>
                </div>
                <form method="post" action="/flow/fallback">
                  %s
                  <button id="use-password" type="submit" class="secondary">Use password instead</button>
                </form>
                <p><a href="/login">Not you? Start again</a></p>
                """.formatted(esc(identifier), lead, hidden(session));
        return layout("Sign in", "passkey", session, body, stateJson,
                "<code>navigator.credentials.get()</code> then <code>LoginFlow.finishPasskey</code> or "
                        + "<code>LoginFlow.reportClientError</code> (attempt " + step.attempt() + ")");
    }

    static String password(WebSession session, String identifier, LoginStep.FallbackRequired step) {
        String message = switch (step.reason()) {
            case PASSKEY_FAILED -> "Your passkey didn't work this time. Sign in with your password instead.";
            case USER_CHOSE_FALLBACK, PASSKEY_NOT_AVAILABLE -> "Enter your password to sign in.";
            case FALLBACK_FAILED -> "That password is not right. You can try " + step.remainingAttempts()
                    + " more time" + (step.remainingAttempts() == 1 ? "" : "s") + ".";
        };
        String cssClass = step.reason() == FallbackReason.FALLBACK_FAILED ? "error" : "calm";
        String body = """
                <h1>Enter your password</h1>
                <p id="fallback-message" class="%s">%s</p>
                <form method="post" action="/flow/password" class="card">
                  %s
                  <input type="hidden" name="username" autocomplete="username" value="%s">
                  <p class="who">Account <strong id="who">%s</strong></p>
                  <label>Password
                    <input id="password" name="password" type="password" autocomplete="current-password" required autofocus></label>
                  <button id="sign-in-password" type="submit">Sign in</button>
                </form>
                <p><a href="/login">Not you? Start again</a></p>
                """.formatted(cssClass, esc(message), hidden(session), esc(identifier), esc(identifier));
        return layout("Enter your password", "password", session, body, null,
                "<code>LoginFlow.fallbackSucceeded</code> or <code>LoginFlow.fallbackFailed</code> after the "
                        + "host checks the password (reason " + step.reason() + ")");
    }

    static String healingOffer(WebSession session, LoginStep.HealingOffer step, String stateJson) {
        String unlock = step.platform().unlockMethod();
        String title;
        String text;
        String skip;
        if (step.kind() == HealingKind.AFTER_ERROR) {
            title = "Issues using your passkey? Add a new one";
            text = "Create a new passkey on this device and confirm it with " + unlock
                    + ". Your other passkeys keep working where they still work.";
            skip = "Skip";
        } else if (step.kind() == HealingKind.FIRST_PASSKEY) {
            title = "Sign in faster with a passkey";
            text = "Next time, sign in with " + unlock + " instead of your password.";
            skip = "Not now";
        } else {
            title = "Add a passkey on this device";
            text = "Create a passkey here and confirm it with " + unlock + ".";
            skip = "Not now";
        }
        String body = """
                <h1 id="offer-title">%s</h1>
                <div class="card" id="offer-card">
                  <p id="offer-text">%s</p>
                  <button id="add-passkey" type="button" data-create-passkey>Add a passkey</button>
                  <p id="passkey-error" class="error" hidden></p>
                </div>
                <form method="post" action="/flow/decline">
                  %s
                  <button id="skip" type="submit" class="secondary">%s</button>
                </form>
                """.formatted(esc(title), esc(text), hidden(session), esc(skip));
        return layout(title, "healing", session, body, stateJson,
                "<code>navigator.credentials.create()</code> then <code>LoginFlow.finishHealing</code> or "
                        + "<code>LoginFlow.reportHealingError</code>; Skip: <code>LoginFlow.declineHealing</code> "
                        + "(offer " + step.kind() + ", platform " + step.platform().storedName() + ")");
    }

    static String dashboard(WebSession session, @Nullable String flash, List<PasskeyRow> rows, String sessionJson) {
        StringBuilder table = new StringBuilder();
        if (rows.isEmpty()) {
            table.append("<p id=\"no-passkeys\">You have no passkeys yet.</p>");
        } else {
            table.append("""
                    <table id="passkeys">
                      <thead><tr><th>Passkey</th><th>Created</th><th>Last used</th><th>Status</th><th></th></tr></thead>
                      <tbody>
                    """);
            for (PasskeyRow row : rows) {
                table.append("""
                        <tr class="passkey" data-credential-id="%s">
                          <td class="provider">%s%s</td>
                          <td class="created">%s</td>
                          <td class="last-used">%s</td>
                          <td class="status %s">%s</td>
                          <td><form method="post" action="/passkeys/delete">%s
                            <input type="hidden" name="credentialId" value="%s">
                            <button type="submit" class="danger delete">Delete</button></form></td>
                        </tr>
                        """.formatted(esc(row.credentialId()), esc(row.provider()),
                        row.thisDevice() ? " <span class=\"badge\">this device</span>" : "", esc(row.created()),
                        esc(row.lastUsed()), esc(row.statusClass()), esc(row.status()), hidden(session),
                        esc(row.credentialId())));
            }
            table.append("</tbody></table>");
        }
        String body = """
                <h1>Hello, <span id="display-name">%s</span></h1>
                %s
                <p class="who">Signed in as <strong id="who">%s</strong> with <span id="signed-in-with">%s</span>.</p>
                <h2>Your passkeys</h2>
                %s
                <form method="post" action="/passkeys/add" data-client-context>
                  %s
                  <button id="add-another" type="submit" class="secondary">Add a passkey on this device</button>
                </form>
                """.formatted(esc(session.displayName), flash == null ? "" : "<p id=\"flash\" class=\"notice\">"
                + esc(flash) + "</p>", esc(session.identifier), esc(session.signedInWith), table, hidden(session));
        return layout("Dashboard", "dashboard", session, body, sessionJson,
                "none: the passkey list comes from <code>CredentialRepository.listCredentials</code>; Delete calls "
                        + "<code>CredentialRepository.deleteCredential</code>; Add calls <code>LoginFlow.enrol</code>");
    }

    static String locked(WebSession session) {
        String body = """
                <h1>Sign-in locked</h1>
                <p id="locked" class="error">Too many wrong passwords. This sign-in is locked; wait a little and start again.</p>
                <p><a href="/login">Start again</a></p>
                """;
        return layout("Locked", "locked", session, body, null, "<code>LoginFlowException</code> reason LOCKED");
    }

    static String problem(WebSession session, String title, String message) {
        String body = """
                <h1>%s</h1>
                <p id="problem" class="error">%s</p>
                <p><a href="/login">Start again</a></p>
                """.formatted(esc(title), esc(message));
        return layout(title, "problem", session, body, null, "an error page");
    }

    private static String layout(String title, String page, WebSession session, String body,
            @Nullable String stateJson, String libraryNote) {
        String nav = session.signedIn()
                ? """
                  <form method="post" action="/logout" class="inline">%s<button id="logout" type="submit" class="link">Log out</button></form>"""
                        .formatted(hidden(session))
                : "<a href=\"/login\">Sign in</a> <a href=\"/signup\">Sign up</a>";
        String signals = Json.forScript(session.takeSignals());
        return """
                <!doctype html>
                <html lang="en">
                <head>
                  <meta charset="utf-8">
                  <meta name="viewport" content="width=device-width, initial-scale=1">
                  <meta name="csrf-token" content="%s">
                  <meta name="rp-id" content="%s">
                  <title>%s · passkeyflow demo</title>
                  <link rel="stylesheet" href="/static/demo.css">
                  <script src="/static/passkeyflow.js" defer></script>
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
                      <p>Last client error reported: <span id="error-log">none</span></p>
                    </details>
                  </footer>
                  <script type="application/json" id="pkf-signals">%s</script>
                  <script type="application/json" id="pkf-state">%s</script>
                </body>
                </html>
                """.formatted(esc(session.csrfToken), DemoConfig.RP_ID, esc(title), page, nav, body, libraryNote,
                signals, stateJson == null ? "null" : stateJson);
    }

    private static String hidden(WebSession session) {
        return "<input type=\"hidden\" name=\"_csrf\" value=\"" + esc(session.csrfToken) + "\">"
                + "<input type=\"hidden\" name=\"client\" value=\"\">";
    }

    private static String errorBox(@Nullable String error) {
        return error == null ? "" : "<p id=\"form-error\" class=\"error\">" + esc(error) + "</p>";
    }

    static String esc(@Nullable String value) {
        if (value == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
