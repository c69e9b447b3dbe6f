package dev.passkeyflow.examples;

import static dev.passkeyflow.examples.Http.problem;
import static dev.passkeyflow.examples.Http.session;
import static dev.passkeyflow.examples.Http.setCookie;

import dev.passkeyflow.core.ClientSignal;
import dev.passkeyflow.examples.Sessions.WebSession;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.StoredCredential;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The host application's own signed-in routes: the dashboard, deleting a passkey (after a
 * confirmation) and signing out. None of them calls {@code LoginFlow}: the passkeys come from the
 * {@link CredentialRepository}.
 */
final class AccountRoutes {

    private final CredentialRepository credentials;
    private final Sessions sessions;

    AccountRoutes(CredentialRepository credentials, Sessions sessions) {
        this.credentials = credentials;
        this.sessions = sessions;
    }

    void routes(Javalin app) {
        app.get("/dashboard", this::dashboard);
        app.post("/passkeys/delete", this::deletePasskey);
        app.post("/logout", this::logout);
    }

    /** No flow call: the passkeys come from {@link CredentialRepository#listCredentials}. */
    private void dashboard(Context ctx) {
        WebSession session = session(ctx);
        Bytes userHandle = session.userHandle;
        if (userHandle == null) {
            ctx.redirect("/login");
            return;
        }
        String deviceId = ctx.attribute("deviceId");
        List<AccountPages.PasskeyRow> rows = new ArrayList<>();
        for (StoredCredential credential : credentials.listCredentials(userHandle)) {
            rows.add(PasskeyRows.row(credential, session, deviceId));
        }
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("identifier", session.identifier);
        state.put("signedInWith", session.signedInWith);
        ctx.html(AccountPages.dashboard(session, session.takeFlash(), rows, Json.forScript(state)));
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
        Optional<StoredCredential> found = credentials
                .findCredential(credentialId)
                .filter(c -> c.userHandle().equals(userHandle));
        if (found.isPresent() && !"yes".equals(ctx.formParam("confirm"))) {
            // Deleting cannot be undone and may lock the person out of passkey sign-in: ask first.
            ctx.html(AccountPages.confirmDelete(
                    session, PasskeyRows.row(found.get(), session, ctx.attribute("deviceId"))));
            return;
        }
        if (found.isPresent() && credentials.deleteCredential(credentialId)) {
            List<String> remaining = credentials.listCredentials(userHandle).stream()
                    .filter(c -> c.status().acceptsLogin())
                    .map(c -> c.credentialId().toBase64Url())
                    .toList();
            session.addSignals(Json.signals(List.of(
                    new ClientSignal.AllAcceptedCredentials(DemoConfig.RP_ID, userHandle.toBase64Url(), remaining))));
            session.flashMessage = "Passkey deleted.";
        } else {
            session.flashMessage = "That passkey was already gone.";
        }
        ctx.redirect("/dashboard", HttpStatus.SEE_OTHER);
    }

    private void logout(Context ctx) {
        WebSession fresh = sessions.renew(session(ctx));
        setCookie(ctx, DemoWeb.SESSION_COOKIE, fresh.id, -1);
        fresh.flashMessage = "You are signed out.";
        ctx.redirect("/login", HttpStatus.SEE_OTHER);
    }
}
