package dev.passkeyflow.examples;

import static dev.passkeyflow.examples.Http.isForm;
import static dev.passkeyflow.examples.Http.isJson;
import static dev.passkeyflow.examples.Http.loopbackAddress;
import static dev.passkeyflow.examples.Http.problem;
import static dev.passkeyflow.examples.Http.redirect;
import static dev.passkeyflow.examples.Http.session;
import static dev.passkeyflow.examples.Http.setCookie;

import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.examples.Sessions.WebSession;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.StorageException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.staticfiles.Location;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's web server: what every request passes through (the redirect from 127.0.0.1 to
 * localhost, the device cookie, the session, the CSRF check, the security headers), the route
 * groups, and how the flow's refusals become pages or redirects. The routes themselves are in
 * {@link LoginRoutes} (a login, step by step), {@link AccountRoutes} (the dashboard) and
 * {@link ModesWeb} (the passkey-first modes); {@link FlowResponses} acts on the steps they get.
 * Signal API calls of a step are kept in the session and made by the next page the browser shows.
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

    DemoWeb(
            LoginFlow flow,
            CredentialRepository credentials,
            Accounts accounts,
            FlowInsights insights,
            String origin,
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
        FlowResponses responses = new FlowResponses(credentials, sessions, insights, clock);
        app.get("/", ctx -> ctx.redirect(session(ctx).signedIn() ? "/dashboard" : "/login"));
        new LoginRoutes(flow, accounts, insights, responses, modes != null).routes(app);
        new AccountRoutes(credentials, sessions).routes(app);
        if (modes != null) {
            modes.routes(app, responses);
        }
        app.exception(LoginFlowException.class, this::onFlowException);
        app.exception(
                CsrfException.class,
                (e, ctx) -> ctx.status(HttpStatus.FORBIDDEN)
                        .html(SignInPages.problem(
                                session(ctx),
                                "Please try again",
                                "This form expired. Reload the page and try again.")));
        app.exception(StorageException.class, (e, ctx) -> {
            LOG.warn("storage failed: {}", e.getMessage());
            problem(
                    ctx,
                    HttpStatus.SERVICE_UNAVAILABLE,
                    "Please try again",
                    "The database is not available right now.");
        });
        return app;
    }

    /** Device id, session, CSRF check and security headers; 127.0.0.1 is sent to localhost. */
    private void before(Context ctx) {
        if (loopbackAddress(ctx.host())) {
            // The RP id is "localhost": a passkey made for it cannot be used at 127.0.0.1 and the browser
            // refuses every ceremony there with a SecurityError. Send the person to the right address.
            String target = origin + ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
            if ("GET".equals(ctx.method().name()) || "HEAD".equals(ctx.method().name())) {
                ctx.redirect(target, HttpStatus.SEE_OTHER);
            } else {
                ctx.status(HttpStatus.MISDIRECTED_REQUEST).html(SignInPages.wrongAddress(origin));
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
            if (token == null
                    || !MessageDigest.isEqual(
                            token.getBytes(StandardCharsets.UTF_8),
                            session.csrfToken.getBytes(StandardCharsets.UTF_8))) {
                throw new CsrfException();
            }
        }
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
                    ctx.status(HttpStatus.LOCKED).html(SignInPages.locked(session));
                }
            }
            case CONFLICT, ILLEGAL_TRANSITION ->
                redirect(ctx, session.flow(key) == null ? "/login" : "/flow?f=" + key, json, HttpStatus.CONFLICT);
            case INVALID_INPUT -> {
                if (json) {
                    ctx.status(HttpStatus.BAD_REQUEST).json(Map.of("error", "The browser sent something unexpected."));
                } else {
                    problem(
                            ctx,
                            HttpStatus.BAD_REQUEST,
                            "Please check your input",
                            "Enter an email address or user name.");
                }
            }
            case UNKNOWN_USER -> {
                session.removeFlow(key);
                redirect(ctx, "/login", json, HttpStatus.BAD_REQUEST);
            }
            case STORAGE_FAILURE ->
                problem(
                        ctx,
                        HttpStatus.SERVICE_UNAVAILABLE,
                        "Please try again",
                        "The database is not available right now.");
            case THROTTLED -> {
                long seconds = e.retryAfter().map(d -> d.toSeconds()).orElse(60L);
                ctx.header("Retry-After", Long.toString(seconds));
                problem(
                        ctx,
                        HttpStatus.TOO_MANY_REQUESTS,
                        "Too many attempts",
                        "Too many sign-in attempts for this account. Try again in " + Math.max(1, (seconds + 59) / 60)
                                + " minute(s).");
            }
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
