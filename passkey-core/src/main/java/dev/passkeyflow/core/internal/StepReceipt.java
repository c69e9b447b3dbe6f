package dev.passkeyflow.core.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * Which call moved a flow into its stored state, and a digest of what that call presented (its
 * proof). A step's result belongs to the request that earned it: only a repeat of the same call
 * with the same proof is handed the stored state's step again; any other request is a new call on
 * that state, judged by the state machine.
 *
 * @param call the public call
 * @param proof a URL-safe digest: of the browser's response for calls that carry one, of the call
 *     alone for host calls that are safe to repeat, or a random value for calls where every
 *     request counts on its own (a failed traditional login)
 * @param delivered whether a response has carried the step's result: exactly one does, so a
 *     repeat after that is a replay and is refused
 */
record StepReceipt(PendingCall call, String proof, boolean delivered) {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int PROOF_BYTES = 18;

    StepReceipt {
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(proof, "proof");
    }

    /** The receipt of a call whose request carries content; equal content gives an equal proof. */
    static StepReceipt of(PendingCall call, String... parts) {
        MessageDigest digest = sha256();
        digest.update(call.name().getBytes(StandardCharsets.UTF_8));
        for (String part : parts) {
            digest.update((byte) 0);
            digest.update(part.getBytes(StandardCharsets.UTF_8));
        }
        byte[] hash = digest.digest();
        return new StepReceipt(call, Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Arrays.copyOf(hash, PROOF_BYTES)), false);
    }

    /** A receipt no other request will ever match: each such request counts on its own. */
    static StepReceipt unique(PendingCall call) {
        byte[] bytes = new byte[PROOF_BYTES];
        RANDOM.nextBytes(bytes);
        return new StepReceipt(call, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), false);
    }

    /** The same receipt, marked as answered. */
    StepReceipt asDelivered() {
        return new StepReceipt(call, proof, true);
    }

    /** Whether this receipt is a repeat of {@code other} (same call, same proof). */
    boolean repeats(StepReceipt other) {
        return call == other.call && MessageDigest.isEqual(proof.getBytes(StandardCharsets.US_ASCII),
                other.proof.getBytes(StandardCharsets.US_ASCII));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
