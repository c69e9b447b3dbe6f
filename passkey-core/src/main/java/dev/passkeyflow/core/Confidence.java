package dev.passkeyflow.core;

/** How strongly the evidence supports a diagnosis. */
public enum Confidence {
    LOW,
    MEDIUM,
    HIGH
}
