package dev.passkeyflow.examples;

import dev.passkeyflow.examples.Sessions.WebSession;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The signed-in pages of the demo's host application: the dashboard with the account's passkeys and
 * the confirmation before a passkey is deleted.
 */
final class AccountPages {

    private AccountPages() {}

    /** One row of the dashboard's passkey table. */
    record PasskeyRow(
            String credentialId,
            String provider,
            String created,
            String lastUsed,
            String status,
            String statusClass,
            boolean thisDevice,
            boolean fresh) {}

    static String dashboard(WebSession session, @Nullable String flash, List<PasskeyRow> rows, String sessionJson) {
        String table = rows.isEmpty() ? "<p id=\"no-passkeys\">You have no passkeys yet.</p>" : table(session, rows);
        String body = """
                <h1 id="heading" tabindex="-1">Hello, <span id="display-name">%s</span></h1>
                %s
                <p class="who">Signed in as <strong id="who">%s</strong> with <span id="signed-in-with">%s</span>.</p>
                <h2>Your passkeys</h2>
                %s
                <form method="post" action="/passkeys/add" data-client-context>
                  %s
                  <button id="add-another" type="submit" class="secondary">Add a passkey on this device</button>
                </form>
                <p><a id="passkey-settings-link" href="%s">Passkey settings</a>: rename your passkeys, see why one
                  counts as on this device, stop using one.</p>
                """.formatted(
                        Html.esc(session.displayName),
                        flash == null
                                ? ""
                                : "<p id=\"flash\" class=\"notice\" " + "role=\"status\">" + Html.esc(flash) + "</p>",
                        Html.esc(session.identifier),
                        Html.esc(session.signedInWith),
                        table,
                        Html.hidden(session),
                        ModesWeb.SETTINGS);
        return PageShell.render(
                "Dashboard",
                "dashboard",
                session,
                body,
                sessionJson,
                "none: the passkey list comes from <code>CredentialRepository.listCredentials</code>; Delete calls "
                        + "<code>CredentialRepository.deleteCredential</code> after a confirmation; Add calls "
                        + "<code>LoginFlow.enrol</code>",
                PageShell.Script.DEMO);
    }

    /** The passkey table; each Delete button names its passkey for screen readers. */
    private static String table(WebSession session, List<PasskeyRow> rows) {
        StringBuilder table = new StringBuilder();
        table.append("""
                <table id="passkeys">
                  <thead><tr><th scope="col">Passkey</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Status</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
                  <tbody>
                """);
        for (int i = 0; i < rows.size(); i++) {
            PasskeyRow row = rows.get(i);
            table.append("""
                    <tr class="passkey" data-credential-id="%s">
                      <th scope="row" class="provider">%s%s%s</th>
                      <td class="created" data-label="Created">%s</td>
                      <td class="last-used" data-label="Last used">%s</td>
                      <td class="status %s" data-label="Status">%s</td>
                      <td><form method="post" action="/passkeys/delete">%s
                        <input type="hidden" name="credentialId" value="%s">
                        <button type="submit" class="danger delete" aria-label="%s">Delete</button></form></td>
                    </tr>
                    """.formatted(
                            Html.esc(row.credentialId()),
                            Html.esc(row.provider()),
                            row.thisDevice() ? " <span class=\"badge this-device\">this device</span>" : "",
                            row.fresh() ? " <span class=\"badge new\">new</span>" : "",
                            Html.esc(row.created()),
                            Html.esc(row.lastUsed()),
                            Html.esc(row.statusClass()),
                            Html.esc(row.status()),
                            Html.hidden(session),
                            Html.esc(row.credentialId()),
                            Html.esc(deleteLabel(row, i + 1, rows.size()))));
        }
        table.append("</tbody></table>");
        return table.toString();
    }

    /**
     * What a screen reader announces for a row's Delete button: which passkey it deletes. Two passkeys
     * of one provider made in the same minute read alike, so the position and the status are part of it.
     */
    static String deleteLabel(PasskeyRow row, int position, int count) {
        return "Delete passkey " + position + " of " + count + ": " + row.provider() + ", created " + row.created()
                + ", " + row.status();
    }

    static String confirmDelete(WebSession session, PasskeyRow row) {
        String body = """
                <h1 id="heading" tabindex="-1">Delete this passkey?</h1>
                <div class="card" id="confirm-card">
                  <p id="confirm-which"><strong>%s</strong>, created %s, last used %s. Status: %s.</p>
                  <p>You will no longer be able to sign in with it on any device. This cannot be undone.</p>
                  <form method="post" action="/passkeys/delete">%s
                    <input type="hidden" name="credentialId" value="%s">
                    <input type="hidden" name="confirm" value="yes">
                    <button id="confirm-delete" type="submit" class="danger">Delete passkey</button>
                    <a id="cancel-delete" href="/dashboard">Keep it</a>
                  </form>
                </div>
                """.formatted(
                        Html.esc(row.provider()),
                        Html.esc(row.created()),
                        Html.esc(row.lastUsed()),
                        Html.esc(row.status()),
                        Html.hidden(session),
                        Html.esc(row.credentialId()));
        return PageShell.render(
                "Delete passkey",
                "confirm-delete",
                session,
                body,
                null,
                "none yet: <code>CredentialRepository.deleteCredential</code> once you confirm",
                PageShell.Script.DEMO);
    }
}
