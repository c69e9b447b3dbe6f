package dev.passkeyflow.examples;

import dev.passkeyflow.core.ClientPlatform;
import dev.passkeyflow.core.FailureCause;
import dev.passkeyflow.core.FailureDiagnosis;
import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.core.LoginStep;
import dev.passkeyflow.examples.Sessions.WebSession;
import java.util.Locale;

/**
 * The passkey offer after a login (healing or another passkey), worded after the diagnosis and the
 * platform, and the box that shows what passkeyflow concluded and why.
 */
final class HealingPages {

    private HealingPages() {}

    static String healingOffer(WebSession session, String key, LoginStep.HealingOffer step, String stateJson) {
        String unlock = step.platform().unlockMethod();
        String title;
        String text;
        String skip;
        if (step.kind() == HealingKind.AFTER_ERROR) {
            title = "Issues using your passkey? Add a new one";
            text = whyText(step.diagnosis().cause(), step.platform()) + " Create a new passkey on this device and "
                    + "confirm it with " + unlock + ". Your other passkeys keep working where they still work.";
            skip = "Skip";
        } else if (step.kind() == HealingKind.FIRST_PASSKEY) {
            title = "Sign in faster with a passkey";
            text = "Next time, sign in with " + unlock + " instead of your password.";
            skip = "Not now";
        } else {
            title = "Add a passkey on this device";
            text = "Create a passkey here and confirm it with " + unlock + ".";
            skip = "Not now";
        }
        String evidence = step.kind() == HealingKind.AFTER_ERROR ? diagnosisBox(step.diagnosis()) : "";
        String body = """
                <h1 id="offer-title" tabindex="-1">%s</h1>
                <div class="card" id="offer-card">
                  <p id="offer-text">%s</p>
                  <button id="add-passkey" type="button" data-create-passkey>Add a passkey</button>
                  <p id="status" class="calm" role="status" aria-live="polite"></p>
                  <p id="passkey-error" class="error" role="alert" hidden></p>
                </div>
                %s
                <form method="post" action="/flow/decline">
                  %s%s
                  <button id="skip" type="submit" class="secondary">%s</button>
                </form>
                """.formatted(
                Html.esc(title), Html.esc(text), evidence, Html.hidden(session), Html.flowField(key), Html.esc(skip));
        return PageShell.render(
                title,
                "healing",
                session,
                body,
                stateJson,
                "<code>navigator.credentials.create()</code> then <code>LoginFlow.finishHealing</code> or "
                        + "<code>LoginFlow.reportHealingError</code>; Skip: <code>LoginFlow.declineHealing</code> "
                        + "(offer " + step.kind() + ", platform "
                        + step.platform().storedName() + ")",
                PageShell.Script.DEMO);
    }

    /** Why the passkey did not work, in the person's words, following the diagnosis and the platform. */
    static String whyText(FailureCause cause, ClientPlatform platform) {
        String store = switch (platform) {
            case MACOS, IOS -> "iCloud Keychain";
            case ANDROID, CHROME_OS -> "Google Password Manager";
            case WINDOWS -> "Windows Hello or your password manager";
            default -> "your password manager";
        };
        String account = switch (platform) {
            case MACOS, IOS -> "Apple Account";
            case ANDROID, CHROME_OS -> "Google Account";
            default -> "account";
        };
        return switch (cause) {
            case PASSKEY_DELETED_LOCALLY ->
                "Your passkey seems to have been removed from " + store + " on this device.";
            case DIFFERENT_CLOUD_ACCOUNT ->
                "This device may be signed in to a different " + account + ", so your passkey is not available here.";
            case PASSWORD_MANAGER_UNAVAILABLE ->
                "The password manager that holds your passkey seems to be signed " + "out or missing on this device.";
            case NEW_DEVICE_WITHOUT_PASSKEY -> "Your passkeys are on other devices, not on this one.";
            case CREDENTIAL_UNKNOWN_TO_SERVER -> "This device offered a passkey we no longer accept.";
            case USER_CANCELLED, TIMED_OUT -> "Your passkey wasn't used this time.";
            case VERIFICATION_FAILED, RP_MISCONFIGURATION, UNKNOWN -> "Your passkey didn't work on this device.";
        };
    }

    /** What passkeyflow concluded and why: the diagnosis, its confidence and its evidence. */
    static String diagnosisBox(FailureDiagnosis diagnosis) {
        StringBuilder items = new StringBuilder();
        for (String item : diagnosis.evidence()) {
            items.append("<li>").append(Html.esc(item)).append("</li>");
        }
        return """
                <details id="diagnosis" class="diagnosis" open><summary>What passkeyflow saw</summary>
                  <p>Diagnosis: <strong id="diagnosis-cause">%s</strong> (<span id="diagnosis-confidence">%s</span> confidence)</p>
                  <ul id="diagnosis-evidence">%s</ul>
                </details>""".formatted(
                        Html.esc(diagnosis.cause().name()),
                        Html.esc(diagnosis.confidence().name().toLowerCase(Locale.ROOT)),
                        items.length() == 0 ? "<li>no evidence recorded</li>" : items);
    }
}
