package dev.passkeyflow.examples;

import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.manage.ManagedPasskey;
import dev.passkeyflow.core.manage.ManagementResult;
import dev.passkeyflow.core.manage.PasskeyManager;
import dev.passkeyflow.examples.Sessions.WebSession;
import dev.passkeyflow.storage.Bytes;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
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

    private final LoginFlow flow;
    private final PasskeyManager manager;
    /** The usernameless flow of each browser session (apart from its identifier-first flow). */
    private final Map<String, String> autofillFlows = new ConcurrentHashMap<>();

    private @Nullable FlowResponses web;

    ModesWeb(LoginFlow flow, PasskeyManager manager) {
        this.flow = flow;
        this.manager = manager;
    }

    void routes(Javalin app, FlowResponses responses) {
        this.web = responses;
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

    private FlowResponses web() {
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
        ctx.html(ModesPages.autofill(session, message));
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
        ctx.html(ModesPages.silentOffer(session, Json.forScript(state)));
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
        ctx.html(ModesPages.settings(session, session.takeFlash(), passkeys));
    }

    private void rename(Context ctx) {
        WebSession session = Http.session(ctx);
        Bytes userHandle = requireSignedIn(ctx, session);
        if (userHandle == null) {
            return;
        }
        Bytes id = credentialId(ctx);
        String nickname = ctx.formParam("nickname");
        ManagementResult result =
                manager.rename(userHandle, id, nickname == null || nickname.isBlank() ? null : nickname);
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
}
