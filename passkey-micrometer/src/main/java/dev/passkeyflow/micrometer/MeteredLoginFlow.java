package dev.passkeyflow.micrometer;

import dev.passkeyflow.core.LoginFlow;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Makes the timed {@link LoginFlow} of {@link PasskeyFlowMetrics#instrument}: a dynamic proxy that
 * passes every call to the flow through {@link PasskeyFlowMetrics#timed}. A proxy rather than a
 * hand-written wrapper so that a method added to {@code LoginFlow} later is timed too, instead of
 * failing the build of this module or, worse, being forwarded untimed by a default method. The
 * operation tag is the method's name in snake case (a bounded set: the interface's methods).
 */
final class MeteredLoginFlow implements InvocationHandler {

    private final LoginFlow delegate;
    private final PasskeyFlowMetrics metrics;
    private final Map<Method, String> operations = new ConcurrentHashMap<>();

    private MeteredLoginFlow(LoginFlow delegate, PasskeyFlowMetrics metrics) {
        this.delegate = delegate;
        this.metrics = metrics;
    }

    static LoginFlow of(LoginFlow delegate, PasskeyFlowMetrics metrics) {
        return (LoginFlow) Proxy.newProxyInstance(
                LoginFlow.class.getClassLoader(),
                new Class<?>[] {LoginFlow.class},
                new MeteredLoginFlow(delegate, metrics));
    }

    @Override
    public @Nullable Object invoke(Object proxy, Method method, @Nullable Object @Nullable [] args) throws Throwable {
        if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
                case "equals" -> args != null && proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                case "toString" -> "MeteredLoginFlow[" + delegate + "]";
                default -> method.invoke(delegate, args);
            };
        }
        String operation = operations.computeIfAbsent(method, MeteredLoginFlow::snakeCase);
        return metrics.timed(operation, () -> {
            try {
                return method.invoke(delegate, args);
            } catch (InvocationTargetException e) {
                // LoginFlow declares no checked exceptions: the flow's own exception goes to the caller as it is.
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                if (cause instanceof Error error) {
                    throw error;
                }
                throw new IllegalStateException("LoginFlow." + method.getName() + " threw a checked exception", cause);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("LoginFlow." + method.getName() + " is not accessible", e);
            }
        });
    }

    /** {@code finishPasskey} -> {@code finish_passkey}. */
    static String snakeCase(Method method) {
        return snakeCase(method.getName());
    }

    static String snakeCase(String name) {
        StringBuilder out = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                out.append('_').append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
