package dev.passkeyflow.core.internal;

import dev.passkeyflow.core.LoginFlow;

/**
 * The one way from validated settings to a {@link LoginFlow}, for {@link LoginFlow.Builder} only.
 * Not API: the package is not exported (see {@code Automatic-Module-Name} in the jar and the
 * surface test), and a call from anywhere but the builder is refused, so that no caller skips the
 * builder's checks.
 */
public final class LoginFlowFactory {

    private static final StackWalker CALLER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    private LoginFlowFactory() {}

    /**
     * Creates the flow the builder configured.
     *
     * @throws UnsupportedOperationException when not called by {@link LoginFlow.Builder#build()}
     */
    public static LoginFlow create(FlowSettings settings) {
        if (CALLER.getCallerClass() != LoginFlow.Builder.class) {
            throw new UnsupportedOperationException("use LoginFlow.builder()");
        }
        return new DefaultLoginFlow(settings, Ceremonies.of(settings));
    }
}
