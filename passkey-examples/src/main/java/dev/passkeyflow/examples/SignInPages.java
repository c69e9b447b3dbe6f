package dev.passkeyflow.examples;

import dev.passkeyflow.core.FailureDiagnosis;
import dev.passkeyflow.core.FallbackReason;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.examples.Sessions.WebSession;
import org.jspecify.annotations.Nullable;

/**
 * The sign-in pages: sign-up, the identifier form, the passkey step, the password step, and the
 * pages for a locked flow, an error and the wrong address. Each page is a text block with escaped
 * values inside {@link PageShell}.
 */
final class SignInPages {

    private SignInPages() {}

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
                """.formatted(
                        Html.errorBox(error),
                        Html.hidden(session),
                        Html.esc(identifier),
                        error == null ? "" : " aria-invalid=\"true\" aria-describedby=\"form-error\"",
                        Html.esc(displayName),
                        Accounts.MIN_PASSWORD_LENGTH);
        return PageShell.render(
                "Sign up",
                "signup",
                session,
                body,
                null,
                "none (the host creates the account; then " + "<code>LoginFlow.enrol</code> offers a first passkey)",
                PageShell.Script.DEMO);
    }

    static String login(WebSession session, @Nullable String message) {
        String body = """
                <h1 id="heading" tabindex="-1">Sign in</h1>
                %s
                <form method="post" action="/login" class="card" data-client-context data-start-in-place="%s">
                  %s
                  <label>Email or user name
                    <input id="identifier" name="identifier" autocomplete="username webauthn" required autofocus></label>
                  <button id="continue" type="submit">Continue</button>
                </form>
                <p id="status" class="calm" role="status" aria-live="polite"></p>
                <p id="passkey-error" class="error" role="alert" hidden></p>
                <p>New here? <a href="/signup" id="sign-up-link">Create an account</a></p>
                """.formatted(
                        message == null
                                ? ""
                                : "<p class=\"notice\" id=\"notice\" role=\"status\">" + Html.esc(message) + "</p>",
                        LoginRoutes.START_IN_PLACE,
                        Html.hidden(session));
        return PageShell.render(
                "Sign in",
                "login",
                session,
                body,
                null,
                "<code>LoginFlow.start(identifier, client)</code> when you continue; a passkey challenge in immediate "
                        + "UI mode runs on this page, within your click",
                PageShell.Script.DEMO);
    }

    static String passkey(
            WebSession session, String key, String identifier, LoginStep.PasskeyChallenge step, String stateJson) {
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
                """.formatted(Html.esc(identifier), lead, Html.hidden(session), Html.flowField(key));
        String mode = step.immediate() ? " in immediate UI mode" : "";
        return PageShell.render(
                "Sign in",
                "passkey",
                session,
                body,
                stateJson,
                "<code>navigator.credentials.get()</code>" + mode + " then <code>LoginFlow.finishPasskey</code> or "
                        + (step.immediate()
                                ? "<code>LoginFlow.reportImmediateRejection</code>"
                                : "<code>LoginFlow.reportClientError</code>")
                        + " (attempt " + step.attempt() + ")",
                PageShell.Script.DEMO);
    }

    static String password(
            WebSession session,
            String key,
            String identifier,
            LoginStep.FallbackRequired step,
            @Nullable FailureDiagnosis diagnosis) {
        String message = switch (step.reason()) {
            case PASSKEY_FAILED -> "Your passkey didn't work this time. Sign in with your password instead.";
            case USER_CHOSE_FALLBACK, PASSKEY_NOT_AVAILABLE -> "Enter your password to sign in.";
            case FALLBACK_FAILED ->
                "That password is not right. You can try " + step.remainingAttempts() + " more time"
                        + (step.remainingAttempts() == 1 ? "" : "s") + ".";
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
                """.formatted(
                        wrong ? "error" : "calm",
                        wrong ? "alert" : "status",
                        Html.esc(message),
                        diagnosis == null ? "" : HealingPages.diagnosisBox(diagnosis),
                        Html.hidden(session),
                        Html.flowField(key),
                        Html.esc(identifier),
                        wrong ? " aria-invalid=\"true\" aria-describedby=\"fallback-message\"" : "");
        return PageShell.render(
                "Enter your password",
                "password",
                session,
                body,
                null,
                "<code>LoginFlow.fallbackSucceeded</code> or <code>LoginFlow.fallbackFailed</code> after the "
                        + "host checks the password (reason " + step.reason() + ")",
                PageShell.Script.DEMO);
    }

    static String locked(WebSession session) {
        String body = """
                <h1 id="heading" tabindex="-1">Sign-in locked</h1>
                <p id="locked" class="error" role="alert">Too many wrong passwords. This sign-in is locked; wait a little and start again.</p>
                <p><a href="/login">Start again</a></p>
                """;
        return PageShell.render(
                "Locked",
                "locked",
                session,
                body,
                null,
                "<code>LoginFlowException</code> reason LOCKED",
                PageShell.Script.DEMO);
    }

    static String problem(WebSession session, String title, String message) {
        String body = """
                <h1 id="heading" tabindex="-1">%s</h1>
                <p id="problem" class="error" role="alert">%s</p>
                <p><a href="/login">Start again</a></p>
                """.formatted(Html.esc(title), Html.esc(message));
        return PageShell.render(title, "problem", session, body, null, "an error page", PageShell.Script.DEMO);
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
                """.formatted(Html.esc(origin), Html.esc(origin), Html.esc(origin));
    }
}
