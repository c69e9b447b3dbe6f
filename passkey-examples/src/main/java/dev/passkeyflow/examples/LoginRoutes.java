package dev.passkeyflow.examples;

import static dev.passkeyflow.examples.Http.flowId;
import static dev.passkeyflow.examples.Http.flowKey;
import static dev.passkeyflow.examples.Http.session;

import com.fasterxml.jackson.databind.JsonNode;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.web.StepJson;
import dev.passkeyflow.examples.Http.ClientError;
import dev.passkeyflow.examples.Sessions.FlowRef;
import dev.passkeyflow.examples.Sessions.WebSession;
import dev.passkeyflow.storage.UserAccount;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The routes of a login, written as the integration guide: sign-up (host work, then
 * {@link LoginFlow#enrol}), the identifier form, the step pages, the browser client's reports and
 * the password check. Each handler that moves the login forward makes exactly one {@link LoginFlow}
 * call, takes the flow id from the server-side session (never from the request: {@code f} only
 * picks one of the session's flows, one per tab) and hands the step to {@link FlowResponses}.
 *
 * <p>Forms post and redirect to {@code GET /flow?f=KEY}, which shows the current step
 * ({@link LoginFlow#resume}). The ceremonies run in the browser client {@code passkeyflow-client.js}
 * (module {@code passkey-client-js}, served from its WebJar), which posts their results as JSON to
 * the endpoints the page names; they are answered with {@code {"redirect": ...}}.
 */
final class LoginRoutes {

    /** {@code POST}: {@link LoginFlow#start} for the sign-in page's script, which runs the step in place. */
    static final String START_IN_PLACE = "/login/in-place";

    private final LoginFlow flow;
    private final Accounts accounts;
    private final FlowInsights insights;
    private final FlowResponses responses;
    /** Whether {@link ModesWeb} serves the silent offer ({@code /modes/silent}). */
    private final boolean silentOffersWired;

    LoginRoutes(
            LoginFlow flow,
            Accounts accounts,
            FlowInsights insights,
            FlowResponses responses,
            boolean silentOffersWired) {
        this.flow = flow;
        this.accounts = accounts;
        this.insights = insights;
        this.responses = responses;
        this.silentOffersWired = silentOffersWired;
    }

    void routes(Javalin app) {
        app.get("/signup", ctx -> ctx.html(SignInPages.signUp(session(ctx), null, "", "")));
        app.post("/signup", this::signUp);
        app.get("/login", this::loginPage);
        app.post("/login", this::startLogin);
        app.post(START_IN_PLACE, this::startInPlace);
        app.get("/flow", this::showStep);
        app.post("/flow/passkey", this::finishPasskey);
        app.post("/flow/passkey-error", this::reportClientError);
        app.post("/flow/immediate-rejection", this::reportImmediateRejection);
        app.post("/flow/fallback", this::chooseFallback);
        app.post("/flow/password", this::checkPassword);
        app.post("/flow/healing", this::finishHealing);
        app.post("/flow/healing-error", this::reportHealingError);
        app.post("/flow/decline", this::declineHealing);
        app.get("/locked", ctx -> ctx.status(HttpStatus.LOCKED).html(SignInPages.locked(session(ctx))));
        app.post("/passkeys/add", this::addPasskey);
    }

    /** Host work (create the account, sign in), then {@link LoginFlow#enrol}: offer a first passkey. */
    private void signUp(Context ctx) {
        WebSession session = session(ctx);
        String identifier = Objects.requireNonNullElse(ctx.formParam("identifier"), "");
        String displayName = Objects.requireNonNullElse(ctx.formParam("displayName"), "");
        String password = Objects.requireNonNullElse(ctx.formParam("password"), "");
        UserAccount account;
        try {
            account = accounts.signUp(identifier, displayName, password);
        } catch (Accounts.SignUpException e) {
            ctx.status(HttpStatus.BAD_REQUEST)
                    .html(SignInPages.signUp(session, e.getMessage(), identifier, displayName));
            return;
        }
        ClientContext client = responses.client(ctx);
        session = responses.signIn(ctx, session, account, "your password", null);
        // The session is signed in for exactly this identifier: only then may the host call enrol().
        LoginStep step = flow.enrol(account.identifier(), client);
        responses.respond(ctx, session, responses.newFlow(session, step, account.identifier()), step, false);
    }

    private void loginPage(Context ctx) {
        WebSession session = session(ctx);
        String message = ctx.queryParam("expired") != null
                ? "That sign-in took too long. Please start again."
                : session.takeFlash();
        ctx.html(SignInPages.login(session, message));
    }

    /** {@link LoginFlow#start}: a passkey challenge or the password step. */
    private void startLogin(Context ctx) {
        WebSession session = session(ctx);
        String identifier = Objects.requireNonNullElse(ctx.formParam("identifier"), "");
        LoginStep step = flow.start(identifier, responses.client(ctx));
        // A step in immediate UI mode is shown as a normal one: the browser runs immediate UI mode only
        // within a click's transient activation, which a page loaded after this redirect no longer has.
        responses.respond(ctx, session, responses.newFlow(session, step, Accounts.normalize(identifier)), step, false);
    }

    /**
     * {@link LoginFlow#start} for the sign-in page's script, answered with JSON instead of a redirect.
     * Immediate UI mode ({@code uiMode: "immediate"}) runs only within the transient activation of
     * the person's click, which a page loaded after a redirect no longer has. So the page posts the
     * identifier here with {@code fetch} and, for a challenge in immediate UI mode, runs it at once
     * on the sign-in page: {@code {"step", "endpoints", "redirect"}}. Any other step is shown by
     * {@code GET /flow} as usual: {@code {"redirect": "/flow?f=KEY"}}. Only this route's client
     * context reports {@code immediateGet} (passkeyflow-client.js {@code immediateUiMode: true}), so
     * the advisor never plans immediate UI mode for a page that cannot run it.
     */
    private void startInPlace(Context ctx) {
        WebSession session = session(ctx);
        String identifier = Objects.requireNonNullElse(ctx.formParam("identifier"), "");
        LoginStep step = flow.start(identifier, responses.client(ctx));
        String key = responses.newFlow(session, step, Accounts.normalize(identifier));
        session.addSignals(Json.signals(step.signals()));
        Map<String, Object> answer = new LinkedHashMap<>();
        if (step instanceof LoginStep.PasskeyChallenge challenge && challenge.immediate()) {
            answer.put("step", StepJson.toJson(step));
            answer.put("endpoints", endpoints(key));
        }
        answer.put("redirect", "/flow?f=" + key);
        ctx.json(answer);
    }

    /** {@link LoginFlow#resume}: shows the flow's current step (after a redirect or a reload). */
    private void showStep(Context ctx) {
        WebSession session = session(ctx);
        String key = ctx.queryParam("f");
        FlowRef ref = session.flow(key);
        if (ref == null) {
            ctx.redirect(session.signedIn() ? "/dashboard" : "/login");
            return;
        }
        LoginStep step;
        try {
            step = flow.resume(ref.flowId());
        } catch (LoginFlowException e) {
            if (e.reason() != LoginFlowException.Reason.ILLEGAL_TRANSITION) {
                throw e;
            }
            // The flow completed: the request that completed it signed the user in (or lost the race).
            session.removeFlow(key);
            ctx.redirect(session.signedIn() ? "/dashboard" : "/login");
            return;
        }
        String identifier = ref.identifier();
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("step", StepJson.toJson(step));
        state.put("endpoints", endpoints(key));
        state.put("identifier", identifier);
        if (step instanceof LoginStep.PasskeyChallenge challenge) {
            ctx.html(SignInPages.passkey(session, key, identifier, challenge, Json.forScript(state)));
        } else if (step instanceof LoginStep.FallbackRequired fallback) {
            ctx.html(SignInPages.password(
                    session, key, fallback.identifier(), fallback, insights.diagnosis(ref.flowId())));
        } else if (step instanceof LoginStep.HealingOffer offer && offer.silent() && silentOffersWired) {
            // Conditional create first (no dialog); the explicit offer only if the browser declines.
            ctx.redirect(ModesWeb.SILENT_OFFER + "?f=" + key);
        } else if (step instanceof LoginStep.HealingOffer offer) {
            ctx.html(HealingPages.healingOffer(session, key, offer, Json.forScript(state)));
        } else {
            session.removeFlow(key);
            ctx.redirect(session.signedIn() ? "/dashboard" : "/login");
        }
    }

    /** The URLs the browser client posts to, for the flow of this tab. */
    private static Map<String, String> endpoints(String key) {
        String suffix = "?f=" + key;
        Map<String, String> endpoints = new LinkedHashMap<>();
        endpoints.put("passkey", "/flow/passkey" + suffix);
        endpoints.put("passkeyError", "/flow/passkey-error" + suffix);
        endpoints.put("immediateRejection", "/flow/immediate-rejection" + suffix);
        endpoints.put("healing", "/flow/healing" + suffix);
        endpoints.put("healingError", "/flow/healing-error" + suffix);
        return endpoints;
    }

    /** {@link LoginFlow#finishPasskey}: the body is the credential's JSON ({@code credential.toJSON()}). */
    private void finishPasskey(Context ctx) {
        WebSession session = session(ctx);
        String key = flowKey(ctx);
        responses.respond(ctx, session, key, flow.finishPasskey(flowId(session, key), ctx.body()), true);
    }

    /** {@link LoginFlow#reportClientError}: the DOMException name and how long get() took. */
    private void reportClientError(Context ctx) {
        reportError(
                ctx,
                "sign-in",
                (flowId, e) -> flow.reportClientError(flowId, e.name(), e.message(), e.elapsedMillis()));
    }

    /**
     * The browser's WebAuthn call threw: keeps a description for the page ({@code ceremony} names
     * it), reports the error to the flow through {@code report} and answers with the next step.
     */
    private void reportError(Context ctx, String ceremony, BiFunction<String, ClientError, LoginStep> report) {
        WebSession session = session(ctx);
        String key = flowKey(ctx);
        ClientError error = ClientError.from(ctx.body());
        String flowId = flowId(session, key);
        session.lastClientError = error.describe(ceremony);
        responses.respond(ctx, session, key, report.apply(flowId, error), true);
    }

    /** {@link LoginFlow#reportImmediateRejection}: get() in immediate UI mode found no passkey (or was dismissed). */
    private void reportImmediateRejection(Context ctx) {
        WebSession session = session(ctx);
        String key = flowKey(ctx);
        JsonNode node = Json.parse(ctx.body());
        JsonNode elapsed = node == null ? null : node.get("elapsedMillis");
        long elapsedMillis = elapsed != null && elapsed.canConvertToLong() ? elapsed.longValue() : -1;
        String flowId = flowId(session, key);
        session.lastClientError = "NotAllowedError (immediate UI mode) after " + elapsedMillis + " ms";
        responses.respond(ctx, session, key, flow.reportImmediateRejection(flowId, elapsedMillis), true);
    }

    /** {@link LoginFlow#chooseFallback}: "Use password instead". */
    private void chooseFallback(Context ctx) {
        WebSession session = session(ctx);
        String key = flowKey(ctx);
        responses.respond(ctx, session, key, flow.chooseFallback(flowId(session, key)), false);
    }

    /**
     * The host checks the password itself, then tells the flow: {@link LoginFlow#fallbackSucceeded}
     * or {@link LoginFlow#fallbackFailed}.
     */
    private void checkPassword(Context ctx) {
        WebSession session = session(ctx);
        String key = flowKey(ctx);
        String flowId = flowId(session, key);
        String identifier = Objects.requireNonNull(session.flow(key)).identifier();
        Optional<UserAccount> account =
                accounts.verifyPassword(identifier, Objects.requireNonNullElse(ctx.formParam("password"), ""));
        LoginStep step = account.isPresent() ? flow.fallbackSucceeded(flowId) : flow.fallbackFailed(flowId);
        responses.respond(ctx, session, key, step, false);
    }

    /** {@link LoginFlow#finishHealing}: the body is the new credential's JSON. */
    private void finishHealing(Context ctx) {
        WebSession session = session(ctx);
        String key = flowKey(ctx);
        responses.respond(ctx, session, key, flow.finishHealing(flowId(session, key), ctx.body()), true);
    }

    /** {@link LoginFlow#reportHealingError}: create() threw (InvalidStateError counts as success). */
    private void reportHealingError(Context ctx) {
        reportError(
                ctx,
                "new passkey",
                (flowId, e) -> flow.reportHealingError(flowId, e.name(), e.message(), e.elapsedMillis()));
    }

    /** {@link LoginFlow#declineHealing}: "Skip" (recorded for cooldowns). */
    private void declineHealing(Context ctx) {
        WebSession session = session(ctx);
        String key = flowKey(ctx);
        responses.respond(ctx, session, key, flow.declineHealing(flowId(session, key)), false);
    }

    /** {@link LoginFlow#enrol} for the signed-in user: "Add a passkey on this device". */
    private void addPasskey(Context ctx) {
        WebSession session = session(ctx);
        String identifier = session.identifier;
        if (!session.signedIn() || identifier == null) {
            ctx.redirect("/login", HttpStatus.SEE_OTHER);
            return;
        }
        LoginStep step = flow.enrol(identifier, responses.client(ctx));
        responses.respond(ctx, session, responses.newFlow(session, step, identifier), step, false);
    }
}
