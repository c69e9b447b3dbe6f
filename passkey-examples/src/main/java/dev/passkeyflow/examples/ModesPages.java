package dev.passkeyflow.examples;

import dev.passkeyflow.core.manage.ManagedPasskey;
import dev.passkeyflow.examples.Sessions.WebSession;
import dev.passkeyflow.storage.CredentialStatus;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The pages of the passkey-first modes ({@link ModesWeb}): autofill sign-in, the silent upgrade's
 * waiting page and the passkey settings. In the same {@link PageShell} as every other page, with
 * the modes' page script.
 */
final class ModesPages {

    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private ModesPages() {}

    static String autofill(WebSession session, @Nullable String message) {
        String body = """
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
                <p id="autofill-status" data-state="idle" role="status" aria-live="polite"></p>
                """.formatted(flash(message), Html.hidden(session));
        return PageShell.render(
                "Sign in",
                "autofill",
                session,
                body,
                null,
                "<code>LoginFlow.startUsernameless</code> (conditional mediation)",
                PageShell.Script.MODES);
    }

    static String silentOffer(WebSession session, String stateJson) {
        String body = """
                <h1 id="silent-title">Signing you in…</h1>
                <p id="silent-status" data-state="creating" role="status" aria-live="polite">One moment.</p>
                """;
        return PageShell.render(
                "Signing you in",
                "silent-offer",
                session,
                body,
                stateJson,
                "<code>LoginStep.HealingOffer.silent</code> (conditional create), "
                        + "<code>LoginFlow.silentCreateDeclined</code> if the browser declines",
                PageShell.Script.MODES);
    }

    static String settings(WebSession session, @Nullable String message, List<ManagedPasskey> passkeys) {
        StringBuilder rows = new StringBuilder();
        for (ManagedPasskey passkey : passkeys) {
            rows.append(row(session, passkey));
        }
        String body = """
                <h1 id="heading" tabindex="-1">Your passkeys</h1>
                %s
                <table id="managed-passkeys"><thead><tr><th scope="col">Name</th><th scope="col">Provider</th>
                <th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Status</th>
                <th scope="col">Here</th><th scope="col">Evidence</th>
                <th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
                <tbody>%s</tbody></table>
                <form method="post" action="/passkeys/add" data-client-context>%s
                  <button id="settings-add-passkey" type="submit">Add a passkey on this device</button></form>
                <p><a id="back-to-dashboard" href="/dashboard">Back to the dashboard</a></p>
                """.formatted(flash(message), rows, Html.hidden(session));
        return PageShell.render(
                "Your passkeys",
                "passkey-settings",
                session,
                body,
                null,
                "<code>PasskeyManager.list</code> / <code>rename</code> / <code>delete</code> / <code>retire</code>",
                PageShell.Script.MODES);
    }

    /** One passkey; its buttons name the passkey, so that screen readers tell the rows' buttons apart. */
    private static String row(WebSession session, ManagedPasskey p) {
        String evidence = p.evidence().stream().map(e -> words(e.kind())).collect(Collectors.joining(", "));
        String id = Html.esc(p.id());
        String name = Html.esc(p.name());
        String retire = p.status() == CredentialStatus.RETIRED
                ? ""
                : """
                <form method="post" action="%s/retire" class="inline">%s
                  <input type="hidden" name="credentialId" value="%s">
                  <button type="submit" class="retire" aria-label="Stop using %s">Stop using</button></form>
                """.formatted(ModesWeb.SETTINGS, Html.hidden(session), id, name);
        return """
                <tr class="managed-passkey" data-credential-id="%s">
                  <td class="name">%s</td><td class="provider" data-label="Provider">%s</td>
                  <td class="created" data-label="Created">%s</td><td class="last-used" data-label="Last used">%s</td>
                  <td class="status" data-label="Status">%s</td><td class="here">%s</td>
                  <td class="evidence" data-label="Why">%s</td>
                  <td>
                    <form method="post" action="%s/rename" class="inline">%s
                      <input type="hidden" name="credentialId" value="%s">
                      <input name="nickname" class="nickname" aria-label="New name for %s" maxlength="64">
                      <button type="submit" class="rename" aria-label="Rename %s">Rename</button></form>
                    %s
                    <form method="post" action="%s/delete" class="inline">%s
                      <input type="hidden" name="credentialId" value="%s">
                      <button type="submit" class="delete" aria-label="Delete %s">Delete</button></form>
                  </td>
                </tr>
                """.formatted(
                        id,
                        name,
                        Html.esc(p.providerName()),
                        WHEN.format(p.createdAt()),
                        p.lastUsedAt() == null ? "never" : WHEN.format(p.lastUsedAt()),
                        words(p.status()),
                        p.onThisDevice() ? "on this device" : "",
                        Html.esc(evidence),
                        ModesWeb.SETTINGS,
                        Html.hidden(session),
                        id,
                        name,
                        name,
                        retire,
                        ModesWeb.SETTINGS,
                        Html.hidden(session),
                        id,
                        name);
    }

    private static String words(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    private static String flash(@Nullable String message) {
        return message == null ? "" : "<p id=\"flash\" class=\"notice\" role=\"status\">" + Html.esc(message) + "</p>";
    }
}
