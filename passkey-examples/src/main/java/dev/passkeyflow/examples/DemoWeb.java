package dev.passkeyflow.examples;

import static dev.passkeyflow.examples.Http.flowId;
import static dev.passkeyflow.examples.Http.flowKey;
import static dev.passkeyflow.examples.Http.isForm;
import static dev.passkeyflow.examples.Http.isJson;
import static dev.passkeyflow.examples.Http.loopbackAddress;
import static dev.passkeyflow.examples.Http.problem;
import static dev.passkeyflow.examples.Http.redirect;
import static dev.passkeyflow.examples.Http.session;
import static dev.passkeyflow.examples.Http.setCookie;

import com.fasterxml.jackson.databind.JsonNode;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientSignal;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.web.ClientContextReader;
import dev.passkeyflow.core.web.StepJson;
import dev.passkeyflow.examples.Http.ClientError;
import dev.passkeyflow.examples.Sessions.FlowRef;
import dev.passkeyflow.examples.Sessions.WebSession;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.StorageException;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's HTTP layer, written as the integration guide (about 560 lines, over the project's
 * 400 on purpose: every route of the demo in one class, so that a reader follows a login from
 * request to {@link LoginFlow} call to response without jumping between files; the per-tab flows,
 * the immediate-rejection route and the delete confirmation made it longer; helpers live in
 * {@link Http} and {@link PasskeyRows}): each handler that moves the login
 * forward makes exactly one {@link LoginFlow} call, keeps the flow id in the server-side session
 * (never trusts one from the request), and shows whatever {@link LoginStep} comes back.
 *
 * <p>Forms post and redirect to {@code GET /flow?f=KEY}, which shows the current step
 * ({@link LoginFlow#resume}); {@code KEY} picks one of the session's flows, so every tab has its
 * own. The ceremonies run in the browser client {@code passkeyflow-client.js} (module
 * {@code passkey-client-js}, served from its WebJar), which posts their results as JSON to the
 * endpoints the page names; they are answered with {@code {"redirect": ...}}. Signal API calls of a
 * step are kept in the session and made by the next page the browser shows.
 */
final class DemoWeb {

    private static final Logger LOG = LoggerFactory.getLogger(DemoWeb.class);

    static final String SESSION_COOKIE = "pkf_session";
    static final String DEVICE_COOKIE = "pkf_device";
    /** Chrome caps cookie lifetimes at 400 days. */
    static final int DEVICE_COOKIE_MAX_AGE = 400 * 24 * 3600;
    static final String CSRF_HEADER = "X-CSRF-Token";

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{22,64}");
    private static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    private final LoginFlow flow;
    private final CredentialRepository credentials;
    private final Accounts accounts;
    private final Sessions sessions;
    private final FlowInsights insights;
    private final String origin;
    private final Clock clock;
    /** The routes of the passkey-first modes (autofill, silent upgrade, passkey settings), if wired. */
    private @Nullable ModesWeb modes;

    DemoWeb(LoginFlow flow, CredentialRepository credentials, Accounts accounts, FlowInsights insights, String origin,
            Clock clock) {
        this.flow = flow;
        this.credentials = credentials;
        this.accounts = accounts;
        this.insights = insights;
        this.origin = origin;
        this.clock = clock;
        this.sessions = new Sessions(clock);
    }

    /** Adds the passkey-first modes' routes ({@link ModesWeb}) to this web layer. */
    DemoWeb withModes(ModesWeb value) {
        this.modes = value;
        return this;
    }

    Javalin create() {
        Javalin app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.staticFiles.add(files -> {
                files.hostedPath = "/static";
                files.directory = "/public";
                files.location = Location.CLASSPATH;
                files.headers = Map.of("Cache-Control", "no-cache", "X-Content-Type-Options", "nosniff");
            });
            // The browser client, from the passkey-client-js WebJar: /webjars/passkeyflow-client/VERSION/...
            config.staticFiles.enableWebjars();
        });
        app.before(this::before);

        app.get("/", ctx -> ctx.redirect(session(ctx).signedIn() ? "/dashboard" : "/login"));
        app.get("/signup", ctx -> ctx.html(Pages.signUp(session(ctx), null, "", "")));
        app.post("/signup", this::signUp);
        app.get("/login", this::loginPage);
        app.post("/login", this::startLogin);
        app.get("/flow", this::showStep);
        app.post("/flow/passkey", this::finishPasskey);
        app.post("/flow/passkey-error", this::reportClientError);
        app.post("/flow/immediate-rejection", this::reportImmediateRejection);
        app.post("/flow/fallback", this::chooseFallback);
        app.post("/flow/password", this::checkPassword);
        app.post("/flow/healing", this::finishHealing);
        app.post("/flow/healing-error", this::reportHealingError);
        app.post("/flow/decline", this::declineHealing);
        app.get("/locked", ctx -> ctx.status(HttpStatus.LOCKED).html(Pages.locked(session(ctx))));
        app.get("/dashboard", this::dashboard);
        app.post("/passkeys/add", this::addPasskey);
        app.post("/passkeys/delete", this::deletePasskey);
        app.post("/logout", this::logout);
        if (modes != null) {
            modes.routes(app, this);
        }

        app.exception(LoginFlowException.class, this::onFlowException);
        app.exception(CsrfException.class, (e, ctx) -> ctx.status(HttpStatus.FORBIDDEN)
                .html(Pages.problem(session(ctx), "Please try again", "This form expired. Reload the page and try again.")));
        app.exception(StorageException.class, (e, ctx) -> {
            LOG.warn("storage failed: {}", e.getMessage());
            problem(ctx, HttpStatus.SERVICE_UNAVAILABLE, "Please try again", "The database is not available right now.");
        });
        return app;
    }

    // ------------------------------------------------------------------ every request

    /** Device id, session, CSRF check and security headers; 127.0.0.1 is sent to localhost. */
    private void before(Context ctx) {
        if (loopbackAddress(ctx.host())) {
            // The RP id is "localhost": a passkey made for it cannot be used at 127.0.0.1 and the browser
            // refuses every ceremony there with a SecurityError. Send the person to the right address.
            String target = origin + ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
            if ("GET".equals(ctx.method().name()) || "HEAD".equals(ctx.method().name())) {
                ctx.redirect(target, HttpStatus.SEE_OTHER);
            } else {
                ctx.status(HttpStatus.MISDIRECTED_REQUEST).html(Pages.wrongAddress(origin));
            }
            ctx.skipRemainingHandlers();
            return;
        }
        if (ctx.path().startsWith("/static/") || ctx.path().startsWith("/webjars/")) {
            return;
        }
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Cache-Control", "no-store");

        String deviceId = ctx.cookie(DEVICE_COOKIE);
        if (deviceId == null || !TOKEN.matcher(deviceId).matches()) {
            deviceId = sessions.randomToken();
            setCookie(ctx, DEVICE_COOKIE, deviceId, DEVICE_COOKIE_MAX_AGE);
        }
        ctx.attribute("deviceId", deviceId);

        WebSession session = sessions.find(ctx.cookie(SESSION_COOKIE));
        if (session == null) {
            session = sessions.create();
            setCookie(ctx, SESSION_COOKIE, session.id, -1);
        }
        ctx.attribute("session", session);

        if ("POST".equals(ctx.method().name())) {
            String token = ctx.header(CSRF_HEADER);
            if (token == null && isForm(ctx)) {
                token = ctx.formParam("_csrf");
            }
            if (token == null || !MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                    session.csrfToken.getBytes(StandardCharsets.UTF_8))) {
                throw new CsrfException();
            }
        }
    }

    // ------------------------------------------------------------------ sign-up

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
            ctx.status(HttpStatus.BAD_REQUEST).html(Pages.signUp(session, e.getMessage(), identifier, displayName));
            return;
        }
        ClientContext client = client(ctx);
        session = signIn(ctx, session, account, "your password", null);
        // The session is signed in for exactly this identifier: only then may the host call enrol().
        LoginStep step = flow.enrol(account.identifier(), client);
        respond(ctx, session, newFlow(session, step, account.identifier()), step, false);
    }

    // ------------------------------------------------------------------ login

    private void loginPage(Context ctx) {
        WebSession session = session(ctx);
        String message = ctx.queryParam("expired") != null ? "That sign-in took too long. Please start again."
                : session.takeFlash();
        ctx.html(Pages.login(session, message));
    }

    /** {@link LoginFlow#start}: a passkey challenge or the password step. */
    private void startLogin(Context ctx) {
        WebSession session = session(ctx);
        String identifier = Objects.requireNonNullElse(ctx.formParam("identifier"), "");
        LoginStep step = flow.start(identifier, client(ctx));
        // A step in immediate UI mode is shown as a normal one: the browser runs immediate UI mode only
        // within a click's transient activation, which a page loaded after this redirect no longer has.
        respond(ctx, session, newFlow(session, step, Accounts.normalize(identifier)), step, false);
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
            ctx.html(Pages.passkey(session, key, identifier, challenge, Json.forScript(state)));
        } else if (step instanceof LoginStep.FallbackRequired fallback) {
            ctx.html(Pages.password(session, key, fallback.identifier(), fallback, insights.diagnosis(ref.flowId())));
        } else if (step instanceof LoginStep.HealingOffer offer && offer.silent() && modes != null) {
            // Conditional create first (no dialog); the explicit offer only if the browser declines.
            ctx.redirect(ModesWeb.SILENT_OFFER + "?f=" + key);
        } else if (step instanceof LoginStep.HealingOffer offer) {
            ctx.html(Pages.healingOffer(session, key, offer, Json.forScript(state)));
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
        respond(ctx, session, key, flow.finishPasskey(flowId(session, key), ctx.body()), true);
    }

    /** {@link LoginFlow#reportClientError}: the DOMException name and how long get() took. */
    private void reportClientError(Context ctx) {
        WebSession session = session(ctx);
        String key = flowKey(ctx);
        ClientError error = ClientError.from(ctx.body());
        String flowId = flowId(session, key);
        session.lastClientError = error.describe("sign-in");
        respond(ctx, session, key, flow.reportClientError(flowId, error.name(), error.message(),
                error.elapsedMillis()), true);
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
        respond(ctx, session, key, flow.reportImmediateRejection(flowId, elapsedMillis), true);
    }

    /** {@link LoginFlow#chooseFallback}: "Use password instead". */
    private void chooseFallback(Context ctx) {
        WebSession session = session(ctx);
        String key = flowKey(ctx);
        respond(ctx, session, key, flow.chooseFallback(flowId(session, key)), false);
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
        respond(ctx, session, key, step, false);
    }

    // ------------------------------------------------------------------ healing and enrolment

    /** {@link LoginFlow#finishHealing}: the body is the new credential's JSON. */
    private void finishHealing(Context ctx) {
        WebSession session = session(ctx);
        String key = flowKey(ctx);
        respond(ctx, session, key, flow.finishHealing(flowId(session, key), ctx.body()), true);
    }

    /** {@link LoginFlow#reportHealingError}: create() threw (InvalidStateError counts as success). */
    private void reportHealingError(Context ctx) {
        WebSession session = session(ctx);
        String key = flowKey(ctx);
        ClientError error = ClientError.from(ctx.body());
        String flowId = flowId(session, key);
        session.lastClientError = error.describe("new passkey");
        respond(ctx, session, key, flow.reportHealingError(flowId, error.name(), error.message(),
                error.elapsedMillis()), true);
    }

    /** {@link LoginFlow#declineHealing}: "Skip" (recorded for cooldowns). */
    private void declineHealing(Context ctx) {
        WebSession session = session(ctx);
        String key = flowKey(ctx);
        respond(ctx, session, key, flow.declineHealing(flowId(session, key)), false);
    }

    /** {@link LoginFlow#enrol} for the signed-in user: "Add a passkey on this device". */
    private void addPasskey(Context ctx) {
        WebSession session = session(ctx);
        String identifier = session.identifier;
        if (!session.signedIn() || identifier == null) {
            ctx.redirect("/login", HttpStatus.SEE_OTHER);
            return;
        }
        LoginStep step = flow.enrol(identifier, client(ctx));
        respond(ctx, session, newFlow(session, step, identifier), step, false);
    }

    // ------------------------------------------------------------------ the account

    /** No flow call: the passkeys come from {@link CredentialRepository#listCredentials}. */
    private void dashboard(Context ctx) {
        WebSession session = session(ctx);
        Bytes userHandle = session.userHandle;
        if (userHandle == null) {
            ctx.redirect("/login");
            return;
        }
        String deviceId = ctx.attribute("deviceId");
        List<Pages.PasskeyRow> rows = new ArrayList<>();
        for (StoredCredential credential : credentials.listCredentials(userHandle)) {
            rows.add(PasskeyRows.row(credential, session, deviceId));
        }
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("identifier", session.identifier);
        state.put("signedInWith", session.signedInWith);
        ctx.html(Pages.dashboard(session, session.takeFlash(), rows, Json.forScript(state)));
    }

    /**
     * No flow call: {@link CredentialRepository#deleteCredential}, then the complete list of the
     * passkeys left is signalled to the browser ({@code signalAllAcceptedCredentials}).
     */
    private void deletePasskey(Context ctx) {
        WebSession session = session(ctx);
        Bytes userHandle = session.userHandle;
        if (userHandle == null) {
            ctx.redirect("/login", HttpStatus.SEE_OTHER);
            return;
        }
        Bytes credentialId;
        try {
            credentialId = Bytes.fromBase64Url(Objects.requireNonNullElse(ctx.formParam("credentialId"), ""));
        } catch (IllegalArgumentException e) {
            problem(ctx, HttpStatus.BAD_REQUEST, "Not a passkey", "That is not a passkey id.");
            return;
        }
        Optional<StoredCredential> found = credentials.findCredential(credentialId)
                .filter(c -> c.userHandle().equals(userHandle));
        if (found.isPresent() && !"yes".equals(ctx.formParam("confirm"))) {
            // Deleting cannot be undone and may lock the person out of passkey sign-in: ask first.
            ctx.html(Pages.confirmDelete(session, PasskeyRows.row(found.get(), session, ctx.attribute("deviceId"))));
            return;
        }
        if (found.isPresent() && credentials.deleteCredential(credentialId)) {
            List<String> remaining = credentials.listCredentials(userHandle).stream()
                    .filter(c -> c.status().acceptsLogin()).map(c -> c.credentialId().toBase64Url()).toList();
            session.addSignals(Json.signals(List.of(new ClientSignal.AllAcceptedCredentials(DemoConfig.RP_ID,
                    userHandle.toBase64Url(), remaining))));
            session.flashMessage = "Passkey deleted.";
        } else {
            session.flashMessage = "That passkey was already gone.";
        }
        ctx.redirect("/dashboard", HttpStatus.SEE_OTHER);
    }

    private void logout(Context ctx) {
        WebSession fresh = sessions.renew(session(ctx));
        setCookie(ctx, SESSION_COOKIE, fresh.id, -1);
        fresh.flashMessage = "You are signed out.";
        ctx.redirect("/login", HttpStatus.SEE_OTHER);
    }

    // ------------------------------------------------------------------ steps and errors

    /**
     * Acts on a step: a completed flow signs the user in (a fresh session) and goes where the flow
     * says; any other step is shown by {@code GET /flow}. The step's Signal API calls go to the next
     * page.
     */
    void respond(Context ctx, WebSession session, String key, LoginStep step, boolean json) {
        String target;
        WebSession current = session;
        if (step instanceof LoginStep.Completed completed) {
            session.removeFlow(key);
            current = complete(ctx, session, completed);
            target = completed.redirectTo();
        } else {
            target = "/flow?f=" + key;
        }
        current.addSignals(Json.signals(step.signals()));
        redirect(ctx, target, json, HttpStatus.OK);
    }

    /** A new flow of this session, under a new key for the tab that started it. */
    private String newFlow(WebSession session, LoginStep step, String identifier) {
        return session.addFlow(step.flowId(), identifier, sessions.randomToken().substring(0, 22));
    }

    private WebSession complete(Context ctx, WebSession session, LoginStep.Completed completed) {
        Bytes userHandle = completed.userHandle();
        UserAccount account = userHandle == null ? null : credentials.findUserByHandle(userHandle).orElse(null);
        if (account == null) {
            throw new LoginFlowException(LoginFlowException.Reason.UNKNOWN_USER, "no account for the completed flow");
        }
        WebSession fresh = switch (completed.method()) {
            case PASSKEY -> signIn(ctx, session, account, "a passkey", null);
            case FALLBACK -> signIn(ctx, session, account, "your password", null);
            case HOST_SESSION -> signIn(ctx, session, account,
                    Objects.requireNonNullElse(session.signedInWith, "your password"), session.signedInAt);
        };
        Bytes created = completed.newCredentialId();
        fresh.newCredentialId = created == null ? null : created.toBase64Url();
        // A password sign-in after the passkey failed here, with nothing healed: the dashboard says
        // which passkey did not work instead of calling it "Active".
        fresh.passkeyFailedHere = completed.method() == dev.passkeyflow.core.AuthenticationMethod.FALLBACK
                && insights.diagnosis(completed.flowId()) != null
                && completed.healing() != dev.passkeyflow.core.HealingResult.HEALED
                && completed.healing() != dev.passkeyflow.core.HealingResult.ALREADY_EXISTED;
        fresh.flashMessage = switch (completed.healing()) {
            case HEALED, ENROLLED -> "Your new passkey is ready. Next time, sign in with it.";
            case ALREADY_EXISTED -> "This device already has a passkey for your account.";
            case DECLINED -> "OK, no new passkey for now.";
            case CANCELLED -> "No passkey was created. You can add one any time below.";
            case FAILED -> "The passkey could not be created. You can try again below.";
            case NOT_OFFERED -> null;
        };
        return fresh;
    }

    /** Maps the flow's failure reasons to pages (forms) or redirects (script requests). */
    private void onFlowException(LoginFlowException e, Context ctx) {
        WebSession session = session(ctx);
        boolean json = isJson(ctx);
        LOG.info("{} {}: {}", ctx.method(), ctx.path(), e.reason());
        String key = ctx.queryParam("f") != null ? ctx.queryParam("f") : isForm(ctx) ? ctx.formParam("f") : null;
        switch (e.reason()) {
            case UNKNOWN_FLOW -> {
                session.removeFlow(key);
                redirect(ctx, "/login?expired=1", json, HttpStatus.CONFLICT);
            }
            case LOCKED -> {
                session.removeFlow(key);
                if (json) {
                    redirect(ctx, "/locked", true, HttpStatus.LOCKED);
                } else {
                    ctx.status(HttpStatus.LOCKED).html(Pages.locked(session));
                }
            }
            case CONFLICT, ILLEGAL_TRANSITION -> redirect(ctx, session.flow(key) == null ? "/login" : "/flow?f=" + key,
                    json, HttpStatus.CONFLICT);
            case INVALID_INPUT -> {
                if (json) {
                    ctx.status(HttpStatus.BAD_REQUEST).json(Map.of("error", "The browser sent something unexpected."));
                } else {
                    problem(ctx, HttpStatus.BAD_REQUEST, "Please check your input",
                            "Enter an email address or user name.");
                }
            }
            case UNKNOWN_USER -> {
                session.removeFlow(key);
                redirect(ctx, "/login", json, HttpStatus.BAD_REQUEST);
            }
            case STORAGE_FAILURE -> problem(ctx, HttpStatus.SERVICE_UNAVAILABLE, "Please try again",
                    "The database is not available right now.");
            case THROTTLED -> {
                long seconds = e.retryAfter().map(d -> d.toSeconds()).orElse(60L);
                ctx.header("Retry-After", Long.toString(seconds));
                problem(ctx, HttpStatus.TOO_MANY_REQUESTS, "Too many attempts",
                        "Too many sign-in attempts for this account. Try again in " + Math.max(1, (seconds + 59) / 60)
                                + " minute(s).");
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private WebSession signIn(Context ctx, WebSession old, UserAccount account, String how,
            @Nullable Instant keepSignedInAt) {
        WebSession fresh = sessions.renew(old);
        setCookie(ctx, SESSION_COOKIE, fresh.id, -1);
        fresh.userHandle = account.userHandle();
        fresh.identifier = account.identifier();
        fresh.displayName = account.displayName();
        fresh.signedInWith = how;
        fresh.signedInAt = keepSignedInAt != null ? keepSignedInAt : clock.instant();
        ctx.attribute("session", fresh);
        return fresh;
    }

    /** The client context: the request's headers, the page's measurement (hidden field "client"), the device cookie. */
    ClientContext client(Context ctx) {
        String posted = ctx.formParam("client");
        return ClientContextReader.read(ctx::header, posted, ctx.attribute("deviceId"));
    }
    /** A POST without the session's CSRF token. */
    static final class CsrfException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CsrfException() {
            super("missing or wrong CSRF token");
        }
    }
}
