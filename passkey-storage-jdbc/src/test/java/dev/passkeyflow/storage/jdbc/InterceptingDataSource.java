package dev.passkeyflow.storage.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link DataSource} wrapper for tests: records the SQL of every prepared statement, can hand out
 * connections with auto-commit switched off, and can run a hook on the connection just before a
 * matching statement is prepared (to break the connection in the middle of a step).
 */
final class InterceptingDataSource implements DataSource {

    /** Runs on a connection before a statement is prepared on it. */
    @FunctionalInterface
    interface BeforePrepare {
        void run(Connection connection, String sql) throws SQLException;
    }

    private final DataSource delegate;
    private final List<String> prepared = new ArrayList<>();
    private volatile boolean autoCommitOff;
    private volatile boolean unreachable;
    private volatile @Nullable String hookSqlPrefix;
    private volatile @Nullable BeforePrepare hook;

    InterceptingDataSource(DataSource delegate) {
        this.delegate = delegate;
    }

    /**
     * A data source that hands out {@code connection} every time; closing what it hands out does
     * nothing, so a test can inspect the connection after the code under test is done with it.
     */
    static InterceptingDataSource sharing(Connection connection) {
        Connection unclosable = (Connection) Proxy.newProxyInstance(
                Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    return invoke(connection, method, args);
                });
        DataSource source = (DataSource) Proxy.newProxyInstance(
                DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getConnection")) {
                        return unclosable;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return new InterceptingDataSource(source);
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Hands out connections with auto-commit off, as some hosts configure their pools. */
    InterceptingDataSource withAutoCommitOff() {
        autoCommitOff = true;
        return this;
    }

    /** Fails every {@code getConnection} as a driver does when the server cannot be reached. */
    InterceptingDataSource unreachable() {
        unreachable = true;
        return this;
    }

    /** Runs {@code action} once, before the next statement whose SQL starts with {@code sqlPrefix}. */
    void onceBefore(String sqlPrefix, BeforePrepare action) {
        hookSqlPrefix = sqlPrefix;
        hook = action;
    }

    /** The SQL of every statement prepared so far, in order. */
    synchronized List<String> preparedSql() {
        return List.copyOf(prepared);
    }

    synchronized void clearRecorded() {
        prepared.clear();
    }

    private synchronized void record(String sql) {
        prepared.add(sql);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return wrap(delegate.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return wrap(delegate.getConnection(username, password));
    }

    private Connection wrap(Connection connection) throws SQLException {
        if (unreachable) {
            connection.close();
            throw new SQLException("connection refused", "08001");
        }
        if (autoCommitOff) {
            connection.setAutoCommit(false);
        }
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("prepareStatement") && args != null && args[0] instanceof String sql) {
                record(sql);
                BeforePrepare action = hook;
                String prefix = hookSqlPrefix;
                if (action != null && prefix != null && sql.startsWith(prefix)) {
                    hook = null;
                    hookSqlPrefix = null;
                    action.run(connection, sql);
                }
            }
            return invoke(connection, method, args);
        };
        return (Connection)
                Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, handler);
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
        return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
        delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
        delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
        return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return delegate.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        return delegate.unwrap(type);
    }

    @Override
    public boolean isWrapperFor(Class<?> type) throws SQLException {
        return delegate.isWrapperFor(type);
    }
}
