package dev.passkeyflow.examples;

import dev.passkeyflow.client.ClientAsset;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.manage.ManagedPasskey;
import dev.passkeyflow.core.manage.ManagementResult;
import dev.passkeyflow.core.manage.PasskeyManager;
import dev.passkeyflow.examples.Sessions.WebSession;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialStatus;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The passkey-first modes in the demo, on routes of their own:
 * <ul>
 *   <li>{@code GET /modes/autofill}: passkey autofill on the identifier field
 *       ({@link LoginFlow#startUsernameless}, {@code mediation: "conditional"}), beside the
 *       identifier-first form of {@code /login} and a "Sign in with a passkey" button;
 *   <li>{@code GET /modes/silent}: the silent passkey upgrade after a password login (conditional
 *       create), and {@link LoginFlow#silentCreateDeclined} when the browser declines it;
 *   <li>{@code GET /settings/passkeys}: passkey settings on {@link PasskeyManager} (list, rename,
 *       delete, retire, add), whose Signal API calls the next page makes.
 * </ul>
 */
final class ModesWeb {

    static final String AUTOFILL = "/modes/autofill";
    static final String SILENT_OFFER = "/modes/silent";
    static final String SETTINGS = "/settings/passkeys";

    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final LoginFlow flow;
    private final PasskeyManager manager;
    /** The usernameless flow of each browser session (apart from its identifier-first flow). */
    private final Map<String, String> autofillFlows = new ConcurrentHashMap<>();
    private @Nullable DemoWeb web;

    ModesWeb(LoginFlow flow, PasskeyManager manager) {
        this.flow = flow;
        this.manager = manager;
    }

    void routes(Javalin app, DemoWeb demo) {
        this.web = demo;
        app.get(AUTOFILL, this::autofillPage);
        app.post(AUTOFILL + "/start", this::startAutofill);
        app.post(AUTOFILL + "/finish", this::finishAutofill);
        app.post(AUTOFILL + "/error", this::autofillError);
        app.get(SILENT_OFFER, this::silentOfferPage);
        app.post(SILENT_OFFER + "/declined", this::silentDeclined);
        app.get(SETTINGS, this::settingsPage);
        app.post(SETTINGS + "/rename", this::rename);
        app.post(SETTINGS + "/delete", ctx -> remove(ctx, false));
        app.post(SETTINGS + "/retire", ctx -> remove(ctx, true));
    }

    private DemoWeb web() {
        return Objects.requireNonNull(web, "routes not wired");
    }

    // ------------------------------------------------------------------ autofill

    private void autofillPage(Context ctx) {
        WebSession session = Http.session(ctx);
        if (session.signedIn()) {
            ctx.redirect("/dashboard");
            return;
        }
        String message = session.takeFlash();
        ctx.html(page(session, "Sign in", "autofill", """
                <h1 id="autofill-title">Sign in</h1>
                %s
                <p>Pick a passkey from the suggestions of the field, or type your email and continue.</p>
                <form method="post" action="/login" id="identifier-form" data-client-context>
                  %s
                  <label for="identifier">Email</label>
                  <input id="identifier" name="identifier" type="email" autocomplete="username webauthn" required>
                  <button id="continue" type="submit">Continue</button>
                </form>
                <p><button id="passkey-button" type="button">Sign in with a passkey</button></p>
                <p id="autofill-status" data-state="idle"></p>
                """.formatted(message == null ? "" : "<p id=\"flash\">" + Pages.esc(message) + "</p>", hidden(session)), "LoginFlow.startUsernameless (conditional mediation)", null));
    }

    /** {@link LoginFlow#startUsernameless}: the options for the conditional (or button) request. */
    private void startAutofill(Context ctx) {
        WebSession session = Http.session(ctx);
        LoginStep step = flow.startUsernameless(web().client(ctx));
        autofillFlows.put(session.id, step.flowId());
        ctx.json(Map.of("publicKey", Http.publicKey(((LoginStep.PasskeyChallenge) step).credentialsGetJson())));
    }

    /**
     * {@link LoginFlow#finishPasskey} on the usernameless flow: a completion signs in the
     * credential's owner; a refusal (an unknown, retired or unverifiable passkey) reloads the page
     * with the step's signals and a fresh request.
     */
    private void finishAutofill(Context ctx) {
        WebSession session = Http.session(ctx);
        String flowId = autofillFlows.remove(session.id);
        if (flowId == null) {
            throw new LoginFlowException(LoginFlowException.Reason.UNKNOWN_FLOW, "no autofill flow in this session");
        }
        LoginStep step = flow.finishPasskey(flowId, ctx.body());
        if (step instanceof LoginStep.Completed) {
            // A usernameless flow has no tab key: it was never one of the session's identifier flows.
            web().respond(ctx, session, "", step, true);
            return;
        }
        session.addSignals(Json.signals(step.signals()));
        session.flashMessage = "That passkey did not work here. Pick another one or type your email.";
        ctx.json(Map.of("redirect", AUTOFILL));
    }

    /** A modal request from the button failed (the page does not report its own aborts). */
    private void autofillError(Context ctx) {
        WebSession session = Http.session(ctx);
        autofillFlows.remove(session.id);
        ctx.json(Map.of("redirect", AUTOFILL));
    }

    // ------------------------------------------------------------------ silent upgrade

    private void silentOfferPage(Context ctx) {
        WebSession session = Http.session(ctx);
        String key = Http.flowKey(ctx);
        Sessions.FlowRef ref = session.flow(key);
        LoginStep step = ref == null ? null : flow.resume(ref.flowId());
        if (!(step instanceof LoginStep.HealingOffer offer) || !offer.silent()) {
            ctx.redirect("/flow?f=" + key);
            return;
        }
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("publicKey", Http.publicKey(offer.credentialsCreateJson()));
        state.put("key", key);
        ctx.html(page(session, "Signing you in", "silent-offer", """
                <h1 id="silent-title">Signing you in…</h1>
                <p id="silent-status" data-state="creating">One moment.</p>
                """, "LoginStep.HealingOffer.silent (conditional create)", Json.forScript(state)));
    }

    /** {@link LoginFlow#silentCreateDeclined}: then the explicit offer of {@code /flow}. */
    private void silentDeclined(Context ctx) {
        WebSession session = Http.session(ctx);
        String key = Http.flowKey(ctx);
        web().respond(ctx, session, key, flow.silentCreateDeclined(Http.flowId(session, key)), true);
    }

    // ------------------------------------------------------------------ passkey settings

    private void settingsPage(Context ctx) {
        WebSession session = Http.session(ctx);
        Bytes userHandle = session.userHandle;
        if (userHandle == null) {
            ctx.redirect("/login");
            return;
        }
        List<ManagedPasskey> passkeys = manager.list(userHandle, ctx.attribute("deviceId"));
        StringBuilder rows = new StringBuilder();
        for (ManagedPasskey p : passkeys) {
            String evidence = p.evidence().stream().map(e -> e.kind().name().toLowerCase(java.util.Locale.ROOT)
                    .replace('_', ' ')).collect(Collectors.joining(", "));
            boolean retired = p.status() == CredentialStatus.RETIRED;
            rows.append("""
                    <tr class="managed-passkey" data-credential-id="%s">
                      <td class="name">%s</td><td class="provider">%s</td><td class="created">%s</td>
                      <td class="last-used">%s</td><td class="status">%s</td><td class="here">%s</td>
                      <td class="evidence">%s</td>
                      <td>
                        <form method="post" action="%s/rename" class="inline">%s
                          <input type="hidden" name="credentialId" value="%s">
                          <input name="nickname" class="nickname" aria-label="New name" maxlength="64">
                          <button type="submit" class="rename">Rename</button></form>
                        %s
                        <form method="post" action="%s/delete" class="inline">%s
                          <input type="hidden" name="credentialId" value="%s">
                          <button type="submit" class="delete">Delete</button></form>
                      </td>
                    </tr>
                    """.formatted(Pages.esc(p.id()), Pages.esc(p.name()), Pages.esc(p.providerName()),
                    WHEN.format(p.createdAt()), p.lastUsedAt() == null ? "never" : WHEN.format(p.lastUsedAt()),
                    p.status().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '),
                    p.onThisDevice() ? "on this device" : "", Pages.esc(evidence), SETTINGS, hidden(session),
                    Pages.esc(p.id()), retired ? "" : """
                        <form method="post" action="%s/retire" class="inline">%s
                          <input type="hidden" name="credentialId" value="%s">
                          <button type="submit" class="retire">Stop using</button></form>
                        """.formatted(SETTINGS, hidden(session), Pages.esc(p.id())),
                    SETTINGS, hidden(session), Pages.esc(p.id())));
        }
        String message = session.takeFlash();
        ctx.html(page(session, "Your passkeys", "passkey-settings", """
                <h1>Your passkeys</h1>
                %s
                <table id="managed-passkeys"><thead><tr><th>Name</th><th>Provider</th><th>Created</th>
                <th>Last used</th><th>Status</th><th></th><th>Evidence</th><th></th></tr></thead>
                <tbody>%s</tbody></table>
                <form method="post" action="/passkeys/add" data-client-context>%s
                  <button id="settings-add-passkey" type="submit">Add a passkey on this device</button></form>
                <p><a href="/dashboard">Back to the dashboard</a></p>
                """.formatted(message == null ? "" : "<p id=\"flash\">" + Pages.esc(message) + "</p>", rows,
                hidden(session)), "PasskeyManager.list / rename / delete / retire", null));
    }

    private void rename(Context ctx) {
        WebSession session = Http.session(ctx);
        Bytes userHandle = requireSignedIn(ctx, session);
        if (userHandle == null) {
            return;
        }
        Bytes id = credentialId(ctx);
        String nickname = ctx.formParam("nickname");
        ManagementResult result = manager.rename(userHandle, id,
                nickname == null || nickname.isBlank() ? null : nickname);
        if (result instanceof ManagementResult.Renamed renamed) {
            session.flashMessage = "Renamed to " + renamed.passkey().name() + ".";
        } else if (result instanceof ManagementResult.InvalidName invalid) {
            session.flashMessage = "Not renamed: " + invalid.reason() + ".";
        } else {
            session.flashMessage = "That passkey was not found.";
        }
        ctx.redirect(SETTINGS, HttpStatus.SEE_OTHER);
    }

    private void remove(Context ctx, boolean retire) {
        WebSession session = Http.session(ctx);
        Bytes userHandle = requireSignedIn(ctx, session);
        if (userHandle == null) {
            return;
        }
        Bytes id = credentialId(ctx);
        ManagementResult result = retire ? manager.retire(userHandle, id) : manager.delete(userHandle, id);
        if (result instanceof ManagementResult.Removed removed) {
            session.addSignals(Json.signals(removed.signals()));
            session.flashMessage = removed.retired() ? "Passkey no longer used." : "Passkey deleted.";
        } else {
            session.flashMessage = "That passkey was already gone.";
        }
        ctx.redirect(SETTINGS, HttpStatus.SEE_OTHER);
    }

    private static @Nullable Bytes requireSignedIn(Context ctx, WebSession session) {
        if (session.userHandle == null) {
            ctx.redirect("/login", HttpStatus.SEE_OTHER);
        }
        return session.userHandle;
    }

    private static Bytes credentialId(Context ctx) {
        try {
            return Bytes.fromBase64Url(Objects.requireNonNullElse(ctx.formParam("credentialId"), ""));
        } catch (IllegalArgumentException e) {
            throw new LoginFlowException(LoginFlowException.Reason.INVALID_INPUT, "not a passkey id");
        }
    }

    // ------------------------------------------------------------------ pages

    private static String hidden(WebSession session) {
        return "<input type=\"hidden\" name=\"_csrf\" value=\"" + Pages.esc(session.csrfToken) + "\">"
                + "<input type=\"hidden\" name=\"client\" value=\"\">";
    }

    /** A page with the demo's header, the Signal API calls due and the script of the modes. */
    private static String page(WebSession session, String title, String page, String body, String libraryCall,
            @Nullable String stateJson) {
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
                  <script type="module" src="/static/modes-client.js"></script>
                  <script src="/static/modes.js" defer></script>
                </head>
                <body data-page="%s">
                  <header><a href="/" class="brand">passkeyflow demo</a></header>
                  <main>
                %s
                  </main>
                  <footer>
                    <details id="dev-notes"><summary>How this page uses passkeyflow</summary>
                      <p>Library call: %s</p>
                      <p>Signal API calls made by this page: <span id="signal-log">none</span></p>
                    </details>
                  </footer>
                  <script type="application/json" id="pkf-signals">%s</script>
                  <script type="application/json" id="modes-state">%s</script>
                </body>
                </html>
                """.formatted(Pages.esc(session.csrfToken), DemoConfig.RP_ID, Pages.esc(ClientAsset.webjarPath()),
                Pages.esc(title), page, body,
                Pages.esc(libraryCall), Json.forScript(session.takeSignals()), stateJson == null ? "null" : stateJson);
    }
}
