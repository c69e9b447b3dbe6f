package dev.passkeyflow.examples;

import dev.passkeyflow.client.ClientAsset;
import dev.passkeyflow.core.ClientPlatform;
import dev.passkeyflow.core.FailureCause;
import dev.passkeyflow.core.FailureDiagnosis;
import dev.passkeyflow.core.FallbackReason;
import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.examples.Sessions.WebSession;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The demo's server-rendered HTML. No template engine: each page is a text block with escaped
 * values. Page state for the page script ({@code demo.js}, which drives the browser client
 * {@code passkeyflow-client.js}) travels in {@code <script type="application/json">} elements, so
 * the Content-Security-Policy can forbid inline scripts.
 *
 * <p>Accessibility: pages that change without a reload have a polite live region ({@code #status},
 * {@code role="status"}) and an assertive one for errors ({@code #passkey-error},
 * {@code role="alert"}); headings can take focus ({@code tabindex="-1"}) and {@code demo.js} moves
 * focus to what the person does next (Try again, Add a passkey, the error).
 */
final class Pages {

    private Pages() {
    }

    /** One row of the dashboard's passkey table. */
    record PasskeyRow(String credentialId, String provider, String created, String lastUsed, String status,
            String statusClass, boolean thisDevice, boolean fresh) {
    }

    static String signUp(WebSession session, @Nullable String error, String identifier, String displayName) {
        String body = """
                <h1 id="heading" tabindex="-1">Create an account</h1>
                %s
                <form method="post" action="/signup" class="card" data-client-context>
                  %s
                  <label>Email or user name
                    <input id="identifier" name="identifier" autocomplete="username" required value="%s"%s></label>
                  <label>Display name <small>(optional)</small>
                    <input id="display-name" name="displayName" autocomplete="name" value="%s"></label>
                  <label>Password
                    <input id="password" name="password" type="password" autocomplete="new-password" required
                      aria-describedby="password-rule"></label>
                  <p id="password-rule" class="hint">At least %d characters.</p>
                  <button id="sign-up" type="submit">Create account</button>
                </form>
                <p>Already have an account? <a href="/login">Sign in</a></p>
                """.formatted(errorBox(error), hidden(session), esc(identifier),
                error == null ? "" : " aria-invalid=\"true\" aria-describedby=\"form-error\"", esc(displayName),
                Accounts.MIN_PASSWORD_LENGTH);
        return layout("Sign up", "signup", session, body, null, "none (the host creates the account; then "
                + "<code>LoginFlow.enrol</code> offers a first passkey)");
    }

    static String login(WebSession session, @Nullable String message) {
        String body = """
                <h1 id="heading" tabindex="-1">Sign in</h1>
                %s
                <form method="post" action="/login" class="card" data-client-context>
                  %s
                  <label>Email or user name
                    <input id="identifier" name="identifier" autocomplete="username webauthn" required autofocus></label>
                  <button id="continue" type="submit">Continue</button>
                </form>
                <p>New here? <a href="/signup" id="sign-up-link">Create an account</a></p>
                """.formatted(message == null ? "" : "<p class=\"notice\" id=\"notice\" role=\"status\">" + esc(message)
                + "</p>", hidden(session));
        return layout("Sign in", "login", session, body, null,
                "<code>LoginFlow.start(identifier, client)</code> when you continue");
    }

    static String passkey(WebSession session, String key, String identifier, LoginStep.PasskeyChallenge step,
            String stateJson) {
        String lead;
        if (step.calmRetry()) {
            lead = """
                    <p id="calm-retry" class="calm">No problem. When you are ready, try your passkey again.</p>
                    <button id="try-again" type="button" data-start-passkey>Try again</button>""";
        } else if (step.autoStart() || step.immediate()) {
            lead = """
                    <p id="passkey-status" class="calm">Confirm with your passkey to sign in&hellip;</p>
                    <button id="try-again" type="button" data-start-passkey hidden>Try again</button>""";
        } else {
            lead = """
                    <p id="passkey-status" class="calm">You can sign in with a passkey on this device.</p>
                    <button id="sign-in-passkey" type="button" data-start-passkey>Sign in with a passkey</button>""";
        }
        String body = """
                <h1 id="heading" tabindex="-1">Sign in</h1>
                <p class="who">Signing in as <strong id="who">%s</strong></p>
                <div class="card" id="passkey-card">
                  %s
                  <p id="status" class="calm" role="status" aria-live="polite"></p>
                  <p id="passkey-error" class="error" role="alert" hidden></p>
                </div>
                <form method="post" action="/flow/fallback">
                  %s%s
                  <button id="use-password" type="submit" class="secondary">Use password instead</button>
                </form>
                <p><a href="/login">Not you? Start again</a></p>
                """.formatted(esc(identifier), lead, hidden(session), flowField(key));
        String mode = step.immediate() ? " in immediate UI mode" : "";
        return layout("Sign in", "passkey", session, body, stateJson,
                "<code>navigator.credentials.get()</code>" + mode + " then <code>LoginFlow.finishPasskey</code> or "
                        + (step.immediate() ? "<code>LoginFlow.reportImmediateRejection</code>"
                                : "<code>LoginFlow.reportClientError</code>")
                        + " (attempt " + step.attempt() + ")");
    }

    static String password(WebSession session, String key, String identifier, LoginStep.FallbackRequired step,
            @Nullable FailureDiagnosis diagnosis) {
        String message = switch (step.reason()) {
            case PASSKEY_FAILED -> "Your passkey didn't work this time. Sign in with your password instead.";
            case USER_CHOSE_FALLBACK, PASSKEY_NOT_AVAILABLE -> "Enter your password to sign in.";
            case FALLBACK_FAILED -> "That password is not right. You can try " + step.remainingAttempts()
                    + " more time" + (step.remainingAttempts() == 1 ? "" : "s") + ".";
        };
        boolean wrong = step.reason() == FallbackReason.FALLBACK_FAILED;
        String body = """
                <h1 id="heading" tabindex="-1">Enter your password</h1>
                <p id="fallback-message" class="%s" role="%s">%s</p>
                %s
                <form method="post" action="/flow/password" class="card">
                  %s%s
                  <label>Account
                    <input id="username" name="username" type="text" autocomplete="username" value="%s" readonly></label>
                  <label>Password
                    <input id="password" name="password" type="password" autocomplete="current-password" required autofocus%s></label>
                  <button id="sign-in-password" type="submit">Sign in</button>
                </form>
                <p><a href="/login">Not you? Start again</a></p>
                """.formatted(wrong ? "error" : "calm", wrong ? "alert" : "status", esc(message),
                diagnosis == null ? "" : diagnosisBox(diagnosis), hidden(session), flowField(key), esc(identifier),
                wrong ? " aria-invalid=\"true\" aria-describedby=\"fallback-message\"" : "");
        return layout("Enter your password", "password", session, body, null,
                "<code>LoginFlow.fallbackSucceeded</code> or <code>LoginFlow.fallbackFailed</code> after the "
                        + "host checks the password (reason " + step.reason() + ")");
    }

    static String healingOffer(WebSession session, String key, LoginStep.HealingOffer step, String stateJson) {
        String unlock = step.platform().unlockMethod();
        String title;
        String text;
        String skip;
        if (step.kind() == HealingKind.AFTER_ERROR) {
            title = "Issues using your passkey? Add a new one";
            text = whyText(step.diagnosis().cause(), step.platform()) + " Create a new passkey on this device and "
                    + "confirm it with " + unlock + ". Your other passkeys keep working where they still work.";
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
        String evidence = step.kind() == HealingKind.AFTER_ERROR ? diagnosisBox(step.diagnosis()) : "";
        String body = """
                <h1 id="offer-title" tabindex="-1">%s</h1>
                <div class="card" id="offer-card">
                  <p id="offer-text">%s</p>
                  <button id="add-passkey" type="button" data-create-passkey>Add a passkey</button>
                  <p id="status" class="calm" role="status" aria-live="polite"></p>
                  <p id="passkey-error" class="error" role="alert" hidden></p>
                </div>
                %s
                <form method="post" action="/flow/decline">
                  %s%s
                  <button id="skip" type="submit" class="secondary">%s</button>
                </form>
                """.formatted(esc(title), esc(text), evidence, hidden(session), flowField(key), esc(skip));
        return layout(title, "healing", session, body, stateJson,
                "<code>navigator.credentials.create()</code> then <code>LoginFlow.finishHealing</code> or "
                        + "<code>LoginFlow.reportHealingError</code>; Skip: <code>LoginFlow.declineHealing</code> "
                        + "(offer " + step.kind() + ", platform " + step.platform().storedName() + ")");
    }

    /** Why the passkey did not work, in the person's words, following the diagnosis and the platform. */
    static String whyText(FailureCause cause, ClientPlatform platform) {
        String store = switch (platform) {
            case MACOS, IOS -> "iCloud Keychain";
            case ANDROID, CHROME_OS -> "Google Password Manager";
            case WINDOWS -> "Windows Hello or your password manager";
            default -> "your password manager";
        };
        String account = switch (platform) {
            case MACOS, IOS -> "Apple Account";
            case ANDROID, CHROME_OS -> "Google Account";
            default -> "account";
        };
        return switch (cause) {
            case PASSKEY_DELETED_LOCALLY -> "Your passkey seems to have been removed from " + store
                    + " on this device.";
            case DIFFERENT_CLOUD_ACCOUNT -> "This device may be signed in to a different " + account
                    + ", so your passkey is not available here.";
            case PASSWORD_MANAGER_UNAVAILABLE -> "The password manager that holds your passkey seems to be signed "
                    + "out or missing on this device.";
            case NEW_DEVICE_WITHOUT_PASSKEY -> "Your passkeys are on other devices, not on this one.";
            case CREDENTIAL_UNKNOWN_TO_SERVER -> "This device offered a passkey we no longer accept.";
            case USER_CANCELLED, TIMED_OUT -> "Your passkey wasn't used this time.";
            case VERIFICATION_FAILED, RP_MISCONFIGURATION, UNKNOWN -> "Your passkey didn't work on this device.";
        };
    }

    /** What passkeyflow concluded and why: the diagnosis, its confidence and its evidence. */
    private static String diagnosisBox(FailureDiagnosis diagnosis) {
        StringBuilder items = new StringBuilder();
        for (String item : diagnosis.evidence()) {
            items.append("<li>").append(esc(item)).append("</li>");
        }
        return """
                <details id="diagnosis" class="diagnosis" open><summary>What passkeyflow saw</summary>
                  <p>Diagnosis: <strong id="diagnosis-cause">%s</strong> (<span id="diagnosis-confidence">%s</span> confidence)</p>
                  <ul id="diagnosis-evidence">%s</ul>
                </details>""".formatted(esc(diagnosis.cause().name()),
                esc(diagnosis.confidence().name().toLowerCase(Locale.ROOT)),
                items.length() == 0 ? "<li>no evidence recorded</li>" : items);
    }

    static String dashboard(WebSession session, @Nullable String flash, List<PasskeyRow> rows, String sessionJson) {
        StringBuilder table = new StringBuilder();
        if (rows.isEmpty()) {
            table.append("<p id=\"no-passkeys\">You have no passkeys yet.</p>");
        } else {
            table.append("""
                    <table id="passkeys">
                      <thead><tr><th scope="col">Passkey</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Status</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
                      <tbody>
                    """);
            for (int i = 0; i < rows.size(); i++) {
                PasskeyRow row = rows.get(i);
                table.append("""
                        <tr class="passkey" data-credential-id="%s">
                          <th scope="row" class="provider">%s%s%s</th>
                          <td class="created" data-label="Created">%s</td>
                          <td class="last-used" data-label="Last used">%s</td>
                          <td class="status %s" data-label="Status">%s</td>
                          <td><form method="post" action="/passkeys/delete">%s
                            <input type="hidden" name="credentialId" value="%s">
                            <button type="submit" class="danger delete" aria-label="%s">Delete</button></form></td>
                        </tr>
                        """.formatted(esc(row.credentialId()), esc(row.provider()),
                        row.thisDevice() ? " <span class=\"badge this-device\">this device</span>" : "",
                        row.fresh() ? " <span class=\"badge new\">new</span>" : "", esc(row.created()),
                        esc(row.lastUsed()), esc(row.statusClass()), esc(row.status()), hidden(session),
                        esc(row.credentialId()), esc(deleteLabel(row, i + 1, rows.size()))));
            }
            table.append("</tbody></table>");
        }
        String body = """
                <h1 id="heading" tabindex="-1">Hello, <span id="display-name">%s</span></h1>
                %s
                <p class="who">Signed in as <strong id="who">%s</strong> with <span id="signed-in-with">%s</span>.</p>
                <h2>Your passkeys</h2>
                %s
                <form method="post" action="/passkeys/add" data-client-context>
                  %s
                  <button id="add-another" type="submit" class="secondary">Add a passkey on this device</button>
                </form>
                """.formatted(esc(session.displayName), flash == null ? "" : "<p id=\"flash\" class=\"notice\" "
                + "role=\"status\">" + esc(flash) + "</p>", esc(session.identifier), esc(session.signedInWith), table,
                hidden(session));
        return layout("Dashboard", "dashboard", session, body, sessionJson,
                "none: the passkey list comes from <code>CredentialRepository.listCredentials</code>; Delete calls "
                        + "<code>CredentialRepository.deleteCredential</code> after a confirmation; Add calls "
                        + "<code>LoginFlow.enrol</code>");
    }

    /**
     * What a screen reader announces for a row's Delete button: which passkey it deletes. Two passkeys
     * of one provider made in the same minute read alike, so the position and the status are part of it.
     */
    static String deleteLabel(PasskeyRow row, int position, int count) {
        return "Delete passkey " + position + " of " + count + ": " + row.provider() + ", created " + row.created()
                + ", " + row.status();
    }

    static String confirmDelete(WebSession session, PasskeyRow row) {
        String body = """
                <h1 id="heading" tabindex="-1">Delete this passkey?</h1>
                <div class="card" id="confirm-card">
                  <p id="confirm-which"><strong>%s</strong>, created %s, last used %s. Status: %s.</p>
                  <p>You will no longer be able to sign in with it on any device. This cannot be undone.</p>
                  <form method="post" action="/passkeys/delete">%s
                    <input type="hidden" name="credentialId" value="%s">
                    <input type="hidden" name="confirm" value="yes">
                    <button id="confirm-delete" type="submit" class="danger">Delete passkey</button>
                    <a id="cancel-delete" href="/dashboard">Keep it</a>
                  </form>
                </div>
                """.formatted(esc(row.provider()), esc(row.created()), esc(row.lastUsed()), esc(row.status()),
                hidden(session), esc(row.credentialId()));
        return layout("Delete passkey", "confirm-delete", session, body, null,
                "none yet: <code>CredentialRepository.deleteCredential</code> once you confirm");
    }

    /** The page for a form posted to 127.0.0.1: passkeys only work at the RP id's address. */
    static String wrongAddress(String origin) {
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>Open %s</title>
                <link rel="stylesheet" href="/static/demo.css"></head>
                <body data-page="wrong-address"><main>
                <h1>Open the demo at <a id="right-address" href="%s">%s</a></h1>
                <p id="problem" class="error">Passkeys of this demo belong to <code>localhost</code>. At an IP
                address such as 127.0.0.1 the browser refuses every passkey, so nothing was sent.</p>
                </main></body></html>
                """.formatted(esc(origin), esc(origin), esc(origin));
    }

    static String locked(WebSession session) {
        String body = """
                <h1 id="heading" tabindex="-1">Sign-in locked</h1>
                <p id="locked" class="error" role="alert">Too many wrong passwords. This sign-in is locked; wait a little and start again.</p>
                <p><a href="/login">Start again</a></p>
                """;
        return layout("Locked", "locked", session, body, null, "<code>LoginFlowException</code> reason LOCKED");
    }

    static String problem(WebSession session, String title, String message) {
        String body = """
                <h1 id="heading" tabindex="-1">%s</h1>
                <p id="problem" class="error" role="alert">%s</p>
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
                  <script type="module" src="/static/demo.js"></script>
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
                """.formatted(esc(session.csrfToken), DemoConfig.RP_ID, esc(ClientAsset.webjarPath()), esc(title), page,
                nav, body, libraryNote, esc(lastError == null ? "none" : lastError), signals,
                stateJson == null ? "null" : stateJson);
    }

    private static String hidden(WebSession session) {
        return "<input type=\"hidden\" name=\"_csrf\" value=\"" + esc(session.csrfToken) + "\">"
                + "<input type=\"hidden\" name=\"client\" value=\"\">";
    }

    /** The tab's flow key, so that the form continues this tab's flow. */
    private static String flowField(String key) {
        return "<input type=\"hidden\" name=\"f\" value=\"" + esc(key) + "\">";
    }

    private static String errorBox(@Nullable String error) {
        return error == null ? "" : "<p id=\"form-error\" class=\"error\" role=\"alert\">" + esc(error) + "</p>";
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
