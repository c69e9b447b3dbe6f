package dev.passkeyflow.examples;

import static dev.passkeyflow.examples.Http.redirect;
import static dev.passkeyflow.examples.Http.setCookie;

import dev.passkeyflow.core.AuthenticationMethod;
import dev.passkeyflow.core.ClientContext;
import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.LoginFlow;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.core.web.ClientContextReader;
import dev.passkeyflow.examples.Sessions.WebSession;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.UserAccount;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What every route does with the {@link LoginStep} a {@link LoginFlow} call returns: a completed
 * flow signs the user in (a fresh session, so a session id seen before sign-in is worthless after
 * it) and goes where the flow says; any other step is shown by {@code GET /flow?f=KEY}. Also the
 * client context every flow call takes, read from the request.
 */
final class FlowResponses {

    /** How the dashboard says a session signed in with a passkey. */
    static final String BY_PASSKEY = "a passkey";

    private final CredentialRepository credentials;
    private final Sessions sessions;
    private final FlowInsights insights;
    private final Clock clock;

    FlowResponses(CredentialRepository credentials, Sessions sessions, FlowInsights insights, Clock clock) {
        this.credentials = credentials;
        this.sessions = sessions;
        this.insights = insights;
        this.clock = clock;
    }

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
    String newFlow(WebSession session, LoginStep step, String identifier) {
        return session.addFlow(step.flowId(), identifier, sessions.randomToken().substring(0, 22));
    }

    private WebSession complete(Context ctx, WebSession session, LoginStep.Completed completed) {
        Bytes userHandle = completed.userHandle();
        UserAccount account = userHandle == null
                ? null
                : credentials.findUserByHandle(userHandle).orElse(null);
        if (account == null) {
            throw new LoginFlowException(LoginFlowException.Reason.UNKNOWN_USER, "no account for the completed flow");
        }
        WebSession fresh = switch (completed.method()) {
            case PASSKEY -> signIn(ctx, session, account, BY_PASSKEY, null);
            case FALLBACK -> signIn(ctx, session, account, "your password", null);
            case HOST_SESSION ->
                signIn(
                        ctx,
                        session,
                        account,
                        Objects.requireNonNullElse(session.signedInWith, "your password"),
                        session.signedInAt);
        };
        Bytes created = completed.newCredentialId();
        fresh.newCredentialId = created == null ? null : created.toBase64Url();
        // A password sign-in after the passkey failed here, with nothing healed: the dashboard says
        // which passkey did not work instead of calling it "Active".
        fresh.passkeyFailedHere = completed.method() == AuthenticationMethod.FALLBACK
                && insights.diagnosis(completed.flowId()) != null
                && completed.healing() != HealingResult.HEALED
                && completed.healing() != HealingResult.ALREADY_EXISTED;
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

    WebSession signIn(Context ctx, WebSession old, UserAccount account, String how, @Nullable Instant keepSignedInAt) {
        WebSession fresh = sessions.renew(old);
        setCookie(ctx, DemoWeb.SESSION_COOKIE, fresh.id, -1);
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
}
