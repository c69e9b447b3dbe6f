package dev.passkeyflow.core;

import java.util.List;
import java.util.Objects;

/**
 * A diagnosis of a failed passkey login: the cause, how confident it is, and the evidence that led
 * to it (short, human-readable, free of secrets).
 */
public record FailureDiagnosis(FailureCause cause, Confidence confidence, List<String> evidence) {

    private static final FailureDiagnosis UNKNOWN =
            new FailureDiagnosis(FailureCause.UNKNOWN, Confidence.LOW, List.of());

    public FailureDiagnosis {
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(confidence, "confidence");
        evidence = List.copyOf(evidence);
    }

    public static FailureDiagnosis of(FailureCause cause, Confidence confidence, String... evidence) {
        return new FailureDiagnosis(cause, confidence, List.of(evidence));
    }

    /** No evidence at all. */
    public static FailureDiagnosis unknown() {
        return UNKNOWN;
    }
}
