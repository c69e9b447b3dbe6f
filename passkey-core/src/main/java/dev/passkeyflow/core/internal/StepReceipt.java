package dev.passkeyflow.core.internal;

import dev.passkeyflow.core.FlowCall;
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
 * @param call the public call (stored under {@link #storedCall()}: the names of the first format,
 *     which also enter the proof, so that receipts stored before the calls were renamed still match)
 * @param proof a URL-safe digest: of the browser's response for calls that carry one, of the call
 *     alone for host calls that are safe to repeat, or a random value for calls where every
 *     request counts on its own (a failed traditional login)
 * @param delivered whether a response has carried the step's result: exactly one does, so a
 *     repeat after that is a replay and is refused
 */
record StepReceipt(FlowCall call, String proof, boolean delivered) {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int PROOF_BYTES = 18;

    StepReceipt {
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(proof, "proof");
    }

    /** The receipt of a call whose request carries content; equal content gives an equal proof. */
    static StepReceipt of(FlowCall call, String... parts) {
        MessageDigest digest = sha256();
        digest.update(storedName(call).getBytes(StandardCharsets.UTF_8));
        for (String part : parts) {
            digest.update((byte) 0);
            digest.update(part.getBytes(StandardCharsets.UTF_8));
        }
        byte[] hash = digest.digest();
        return new StepReceipt(
                call, Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(hash, PROOF_BYTES)), false);
    }

    /** A receipt no other request will ever match: each such request counts on its own. */
    static StepReceipt unique(FlowCall call) {
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
        return call == other.call
                && MessageDigest.isEqual(
                        proof.getBytes(StandardCharsets.US_ASCII), other.proof.getBytes(StandardCharsets.US_ASCII));
    }

    /** The call's name in the stored flow document. */
    String storedCall() {
        return storedName(call);
    }

    /**
     * The stored name of a call: its constant's name, except for the two calls whose first stored
     * names differ. An immediate rejection is stored as a client error: its receipt is unique, so
     * which of the two it reads back as never matters, and older readers know that name.
     */
    private static String storedName(FlowCall call) {
        return switch (call) {
            case REPORT_CLIENT_ERROR, REPORT_IMMEDIATE_REJECTION -> "CLIENT_ERROR";
            case REPORT_HEALING_ERROR -> "HEALING_ERROR";
            default -> call.name();
        };
    }

    /** The call of a stored name, see {@link #storedName(FlowCall)}. */
    static FlowCall callOf(String stored) {
        return switch (stored) {
            case "CLIENT_ERROR" -> FlowCall.REPORT_CLIENT_ERROR;
            case "HEALING_ERROR" -> FlowCall.REPORT_HEALING_ERROR;
            default -> FlowCall.valueOf(stored);
        };
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
