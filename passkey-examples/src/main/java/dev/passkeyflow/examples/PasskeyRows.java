package dev.passkeyflow.examples;

import dev.passkeyflow.examples.Sessions.WebSession;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.StoredCredential;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.jspecify.annotations.Nullable;

/** The dashboard's rows: how a stored passkey is described to its owner. */
final class PasskeyRows {

    private static final DateTimeFormatter WHEN =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private PasskeyRows() {}

    static AccountPages.PasskeyRow row(StoredCredential credential, WebSession session, @Nullable String deviceId) {
        String createdOn = describe(
                credential.createdOn().platform(), credential.createdOn().browser());
        String created = WHEN.format(credential.createdAt()) + (createdOn.isEmpty() ? "" : " on " + createdOn);
        String lastUsed = credential.lastUsedAt() == null
                ? "never"
                : WHEN.format(credential.lastUsedAt())
                        + (credential.lastUsedOn() == null
                                ? ""
                                : describeOn(
                                        credential.lastUsedOn().platform(),
                                        credential.lastUsedOn().browser()));
        boolean here = deviceId != null
                && (deviceId.equals(credential.createdOn().deviceId())
                        || (credential.lastUsedOn() != null
                                && deviceId.equals(credential.lastUsedOn().deviceId())));
        // "this device" marks the passkey that works here, not one flagged as not working here.
        boolean thisDevice = here && credential.status() == CredentialStatus.ACTIVE;
        boolean fresh = credential.credentialId().toBase64Url().equals(session.newCredentialId);
        String status;
        String cssClass;
        if (credential.status() == CredentialStatus.ACTIVE && session.passkeyFailedHere && here && !fresh) {
            status = "Didn't work on this device just now";
            cssClass = "warn";
            thisDevice = false;
        } else if (credential.status() == CredentialStatus.ACTIVE) {
            status = "Active";
            cssClass = "ok";
        } else if (credential.status() == CredentialStatus.SUSPECTED_BROKEN) {
            cssClass = "warn";
            status = usedForThisSignIn(credential, session, deviceId)
                    ? "Works on this device; not working on another device"
                    : "Not working on this device";
        } else {
            status = "Retired";
            cssClass = "off";
        }
        return new AccountPages.PasskeyRow(
                credential.credentialId().toBase64Url(),
                ProviderNames.nameFor(credential.aaguid()),
                created,
                lastUsed,
                status,
                cssClass,
                thisDevice,
                fresh);
    }

    /**
     * Whether this session signed in with this very passkey on this device. A password sign-in used
     * no passkey, however recently one was used here (a passkey login a moment before, then the
     * passkey deleted on the device and a password sign-in, is within the time window).
     */
    private static boolean usedForThisSignIn(
            StoredCredential credential, WebSession session, @Nullable String deviceId) {
        Instant signedInAt = session.signedInAt;
        Instant lastUsedAt = credential.lastUsedAt();
        return FlowResponses.BY_PASSKEY.equals(session.signedInWith)
                && deviceId != null
                && signedInAt != null
                && lastUsedAt != null
                && credential.lastUsedOn() != null
                && deviceId.equals(credential.lastUsedOn().deviceId())
                && !lastUsedAt.isBefore(signedInAt.minusSeconds(5));
    }

    private static String describe(@Nullable String platform, @Nullable String browser) {
        StringBuilder out = new StringBuilder();
        if (platform != null) {
            out.append(platform);
        }
        if (browser != null) {
            out.append(out.length() == 0 ? "" : " · ").append(browser);
        }
        return out.toString();
    }

    private static String describeOn(@Nullable String platform, @Nullable String browser) {
        String text = describe(platform, browser);
        return text.isEmpty() ? "" : " on " + text;
    }
}
