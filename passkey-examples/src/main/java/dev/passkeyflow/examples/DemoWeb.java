package dev.passkeyflow.examples;

import static dev.passkeyflow.examples.Http.isForm;
import static dev.passkeyflow.examples.Http.isJson;
import static dev.passkeyflow.examples.Http.problem;
import static dev.passkeyflow.examples.Http.publicKey;
import static dev.passkeyflow.examples.Http.redirect;
import static dev.passkeyflow.examples.Http.session;
import static dev.passkeyflow.examples.Http.setCookie;

import com.fasterxml.jackson.databind.JsonNode;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.ClientSignal;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginStep;
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
 * The demo's HTTP layer, written as the integration guide (about 500 lines, over the project's
 * 400 on purpose: every route of the demo in one class, so that a reader follows a login from
 * request to {@link LoginFlow} call to response without jumping between files; helpers live in
 * {@link Http} and {@link PasskeyRows}): each handler that moves the login
 * forward makes exactly one {@link LoginFlow} call, keeps the flow id in the server-side session
 * (never trusts one from the request), and shows whatever {@link LoginStep} comes back.
 *
 * <p>Forms post and redirect to {@code GET /flow}, which shows the current step
 * ({@link LoginFlow#resume}). The ceremonies' results are posted by {@code passkeyflow.js} as JSON
 * and answered with {@code {"redirect": ...}}. Signal API calls of a step are kept in the session
 * and made by the next page the browser shows.
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
    private final Clock clock;
    /** The routes of the passkey-first modes (autofill, silent upgrade, passkey settings), if wired. */
    private @Nullable ModesWeb modes;

    DemoWeb(LoginFlow flow, CredentialRepository credentials, Accounts accounts, Clock clock) {
        this.flow = flow;
        this.credentials = credentials;
        this.accounts = accounts;
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

    /** Device id, session, CSRF check and security headers. */
    private void before(Context ctx) {
        if (ctx.path().startsWith("/static/")) {
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
        session.flowIdentifier = account.identifier();
        respond(ctx, session, step, false);
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
        session.flowIdentifier = Accounts.normalize(identifier);
        respond(ctx, session, step, false);
    }

    /** {@link LoginFlow#resume}: shows the flow's current step (after a redirect or a reload). */
    private void showStep(Context ctx) {
        WebSession session = session(ctx);
        String flowId = session.flowId;
        if (flowId == null) {
            ctx.redirect(session.signedIn() ? "/dashboard" : "/login");
            return;
        }
        LoginStep step;
        try {
            step = flow.resume(flowId);
        } catch (LoginFlowException e) {
            if (e.reason() != LoginFlowException.Reason.ILLEGAL_TRANSITION) {
                throw e;
            }
            // The flow completed: the request that completed it signed the user in (or lost the race).
            session.flowId = null;
            ctx.redirect(session.signedIn() ? "/dashboard" : "/login");
            return;
        }
        String identifier = Objects.requireNonNullElse(session.flowIdentifier, "");
        if (step instanceof LoginStep.PasskeyChallenge challenge) {
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("ceremony", "get");
            state.put("publicKey", publicKey(challenge.credentialsGetJson()));
            state.put("autoStart", challenge.autoStart());
            state.put("calmRetry", challenge.calmRetry());
            state.put("attempt", challenge.attempt());
            state.put("identifier", identifier);
            ctx.html(Pages.passkey(session, identifier, challenge, Json.forScript(state)));
        } else if (step instanceof LoginStep.FallbackRequired fallback) {
            ctx.html(Pages.password(session, fallback.identifier(), fallback));
        } else if (step instanceof LoginStep.HealingOffer offer && offer.silent() && modes != null) {
            // Conditional create first (no dialog); the explicit offer only if the browser declines.
            ctx.redirect(ModesWeb.SILENT_OFFER);
        } else if (step instanceof LoginStep.HealingOffer offer) {
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("ceremony", "create");
            state.put("publicKey", publicKey(offer.credentialsCreateJson()));
            ctx.html(Pages.healingOffer(session, offer, Json.forScript(state)));
        } else {
            session.flowId = null;
            ctx.redirect(session.signedIn() ? "/dashboard" : "/login");
        }
    }

    /** {@link LoginFlow#finishPasskey}: the body is the credential's JSON ({@code credential.toJSON()}). */
    private void finishPasskey(Context ctx) {
        WebSession session = session(ctx);
        respond(ctx, session, flow.finishPasskey(flowId(session), ctx.body()), true);
    }

    /** {@link LoginFlow#reportClientError}: the DOMException name and how long get() took. */
    private void reportClientError(Context ctx) {
        WebSession session = session(ctx);
        ClientError error = ClientError.from(ctx.body());
        respond(ctx, session, flow.reportClientError(flowId(session), error.name(), error.message(),
                error.elapsedMillis()), true);
    }

    /** {@link LoginFlow#chooseFallback}: "Use password instead". */
    private void chooseFallback(Context ctx) {
        WebSession session = session(ctx);
        respond(ctx, session, flow.chooseFallback(flowId(session)), false);
    }

    /**
     * The host checks the password itself, then tells the flow: {@link LoginFlow#fallbackSucceeded}
     * or {@link LoginFlow#fallbackFailed}.
     */
    private void checkPassword(Context ctx) {
        WebSession session = session(ctx);
        String flowId = flowId(session);
        String identifier = Objects.requireNonNullElse(session.flowIdentifier, "");
        Optional<UserAccount> account =
                accounts.verifyPassword(identifier, Objects.requireNonNullElse(ctx.formParam("password"), ""));
        LoginStep step = account.isPresent() ? flow.fallbackSucceeded(flowId) : flow.fallbackFailed(flowId);
        respond(ctx, session, step, false);
    }

    // ------------------------------------------------------------------ healing and enrolment

    /** {@link LoginFlow#finishHealing}: the body is the new credential's JSON. */
    private void finishHealing(Context ctx) {
        WebSession session = session(ctx);
        respond(ctx, session, flow.finishHealing(flowId(session), ctx.body()), true);
    }

    /** {@link LoginFlow#reportHealingError}: create() threw (InvalidStateError counts as success). */
    private void reportHealingError(Context ctx) {
        WebSession session = session(ctx);
        ClientError error = ClientError.from(ctx.body());
        respond(ctx, session, flow.reportHealingError(flowId(session), error.name(), error.message(),
                error.elapsedMillis()), true);
    }

    /** {@link LoginFlow#declineHealing}: "Skip" (recorded for cooldowns). */
    private void declineHealing(Context ctx) {
        WebSession session = session(ctx);
        respond(ctx, session, flow.declineHealing(flowId(session)), false);
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
        session.flowIdentifier = identifier;
        respond(ctx, session, step, false);
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
        boolean own = credentials.findCredential(credentialId).filter(c -> c.userHandle().equals(userHandle))
                .isPresent();
        if (own && credentials.deleteCredential(credentialId)) {
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
    void respond(Context ctx, WebSession session, LoginStep step, boolean json) {
        String target;
        WebSession current = session;
        if (step instanceof LoginStep.Completed completed) {
            current = complete(ctx, session, completed);
            target = completed.redirectTo();
        } else {
            session.flowId = step.flowId();
            target = "/flow";
        }
        current.addSignals(Json.signals(step.signals()));
        redirect(ctx, target, json, HttpStatus.OK);
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
        switch (e.reason()) {
            case UNKNOWN_FLOW -> {
                session.flowId = null;
                redirect(ctx, "/login?expired=1", json, HttpStatus.CONFLICT);
            }
            case LOCKED -> {
                session.flowId = null;
                if (json) {
                    redirect(ctx, "/locked", true, HttpStatus.LOCKED);
                } else {
                    ctx.status(HttpStatus.LOCKED).html(Pages.locked(session));
                }
            }
            case CONFLICT, ILLEGAL_TRANSITION -> redirect(ctx, session.flowId == null ? "/login" : "/flow", json,
                    HttpStatus.CONFLICT);
            case INVALID_INPUT -> {
                if (json) {
                    ctx.status(HttpStatus.BAD_REQUEST).json(Map.of("error", "The browser sent something unexpected."));
                } else {
                    problem(ctx, HttpStatus.BAD_REQUEST, "Please check your input",
                            "Enter an email address or user name.");
                }
            }
            case UNKNOWN_USER -> {
                session.flowId = null;
                redirect(ctx, "/login", json, HttpStatus.BAD_REQUEST);
            }
            case STORAGE_FAILURE -> problem(ctx, HttpStatus.SERVICE_UNAVAILABLE, "Please try again",
                    "The database is not available right now.");
            case THROTTLED -> {
                long seconds = e.retryAfter().map(d -> d.getSeconds()).orElse(60L);
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

    ClientContext client(Context ctx) {
        return ClientContexts.from(ctx, ctx.attribute("deviceId"));
    }

    private static String flowId(WebSession session) {
        String flowId = session.flowId;
        if (flowId == null) {
            throw new LoginFlowException(LoginFlowException.Reason.UNKNOWN_FLOW, "no flow in this session");
        }
        return flowId;
    }

    /** The error a ceremony ended with, as the script posts it. */
    record ClientError(String name, @Nullable String message, long elapsedMillis) {
        static ClientError from(String body) {
            JsonNode node = Json.parse(body);
            if (node == null || !node.isObject() || !node.path("name").isTextual()) {
                throw new LoginFlowException(LoginFlowException.Reason.INVALID_INPUT, "expected {name, message, elapsedMillis}");
            }
            JsonNode message = node.get("message");
            JsonNode elapsed = node.get("elapsedMillis");
            return new ClientError(node.get("name").textValue(),
                    message != null && message.isTextual() ? message.textValue() : null,
                    elapsed != null && elapsed.canConvertToLong() ? elapsed.longValue() : -1);
        }
    }

    /** A POST without the session's CSRF token. */
    static final class CsrfException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CsrfException() {
            super("missing or wrong CSRF token");
        }
    }
}
