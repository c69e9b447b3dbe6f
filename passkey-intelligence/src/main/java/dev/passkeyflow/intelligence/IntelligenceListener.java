package dev.passkeyflow.intelligence;

/**
 * Receives {@link IntelligenceEvent}s synchronously on the request thread; keep it quick. A
 * listener that throws is logged at WARN and ignored: it never changes a decision.
 */
@FunctionalInterface
public interface IntelligenceListener {

    void onEvent(IntelligenceEvent event);
}
