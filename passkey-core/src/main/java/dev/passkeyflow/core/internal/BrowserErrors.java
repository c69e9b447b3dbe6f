package dev.passkeyflow.core.internal;

import com.yubico.webauthn.exception.AssertionFailedException;
import dev.passkeyflow.core.HealingResult;
import dev.passkeyflow.core.LoginFlowException;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.StorageException;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Classifies what went wrong in a ceremony: the {@code DOMException} name a browser reported for
 * {@code navigator.credentials.get} or {@code create}, and Yubico's verification failures. The
 * mapping of the browser's names follows WebAuthn Level 3 §5.1.3/§5.1.4 (NotAllowedError for a
 * cancel, a timeout or no credential alike; InvalidStateError for an excluded credential already
 * present) and the domain brief's client error mapping.
 */
final class BrowserErrors {

    private BrowserErrors() {}

    /**
     * The outcome of a rejected {@code credentials.get}. NotAllowedError and AbortError count as a
     * timeout only once the ceremony timeout has passed, since browsers report both the same way.
     */
    static AttemptOutcome ofGet(String name, long elapsedMillis, Duration ceremonyTimeout) {
        return switch (name) {
            case "NotAllowedError", "AbortError" ->
                elapsedMillis >= ceremonyTimeout.toMillis() ? AttemptOutcome.TIMED_OUT : AttemptOutcome.CANCELLED;
            case "TimeoutError" -> AttemptOutcome.TIMED_OUT;
            case "SecurityError" -> AttemptOutcome.SECURITY_ERROR;
            default -> AttemptOutcome.CLIENT_ERROR;
        };
    }

    /**
     * What a rejected {@code credentials.create} means for the offer: InvalidStateError says the
     * authenticator already holds a passkey of this account, so nothing needs creating.
     */
    static HealingResult ofCreate(String name) {
        return switch (name) {
            case "InvalidStateError" -> HealingResult.ALREADY_EXISTED;
            case "NotAllowedError", "AbortError", "TimeoutError" -> HealingResult.CANCELLED;
            default -> HealingResult.FAILED;
        };
    }

    /**
     * Yubico's verification failure, classified from its message: Yubico 2.9.0 has one exception
     * type for every failed check. The checks that can be made from data run before it
     * ({@link AssertionPrecheck}), so this is the last resort.
     */
    static AttemptOutcome classifyAssertionFailure(AssertionFailedException e) {
        String message = Objects.requireNonNullElse(e.getMessage(), "").toLowerCase(Locale.ROOT);
        if (message.contains("signature")) {
            return AttemptOutcome.BAD_SIGNATURE;
        }
        if (message.contains("origin") || message.contains("rp id")) {
            return AttemptOutcome.ORIGIN_MISMATCH;
        }
        if (message.contains("challenge")) {
            return AttemptOutcome.CHALLENGE_MISMATCH;
        }
        if (message.contains("user verification")) {
            return AttemptOutcome.USER_VERIFICATION_MISSING;
        }
        return AttemptOutcome.VERIFICATION_FAILED;
    }

    /** Storage failures reached through Yubico's repository calls stay storage failures. */
    static void rethrowStorageFailure(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StorageException storage) {
                throw storage;
            }
            if (t instanceof LoginFlowException flow) {
                throw flow;
            }
        }
    }
}
