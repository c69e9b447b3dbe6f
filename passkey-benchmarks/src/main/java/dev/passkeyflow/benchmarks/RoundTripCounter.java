package dev.passkeyflow.benchmarks;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * Counts what a JDBC deployment sends to the database: every statement execution (a batch counts
 * once, as the driver sends it in one exchange), every commit and every rollback. With the
 * PostgreSQL driver each of these is one network round trip; {@code setAutoCommit(false)} sends
 * nothing until the next statement, so it is not counted.
 */
final class RoundTripCounter {

    private static final Set<String> EXECUTIONS = Set.of(
            "execute", "executeQuery", "executeUpdate", "executeLargeUpdate", "executeBatch", "executeLargeBatch");

    private final AtomicLong count = new AtomicLong();

    long count() {
        return count.get();
    }

    void reset() {
        count.set(0);
    }

    DataSource wrap(DataSource target) {
        return proxy(DataSource.class, target);
    }

    @SuppressWarnings("unchecked")
    private <T> T proxy(Class<T> type, T target) {
        return (T) Proxy.newProxyInstance(
                RoundTripCounter.class.getClassLoader(), new Class<?>[] {type}, (p, method, args) -> {
                    String name = method.getName();
                    if (target instanceof Statement && EXECUTIONS.contains(name)) {
                        count.incrementAndGet();
                    } else if (target instanceof Connection && (name.equals("commit") || name.equals("rollback"))) {
                        count.incrementAndGet();
                    }
                    Object result;
                    try {
                        result = method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    Class<?> returned = method.getReturnType();
                    if (result != null
                            && (returned == Connection.class || Statement.class.isAssignableFrom(returned))
                            && returned.isInterface()) {
                        return proxy((Class<Object>) returned, result);
                    }
                    return result;
                });
    }
}
