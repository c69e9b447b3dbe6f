package dev.passkeyflow.storage.jdbc;

import dev.passkeyflow.storage.AtomicStepRepository;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.FlowStateRepository;
import dev.passkeyflow.storage.LoginAttemptRepository;
import dev.passkeyflow.storage.PasskeyEventRepository;
import dev.passkeyflow.storage.ThrottleRepository;
import java.time.Clock;
import java.util.Objects;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The JDBC storage of passkeyflow: the storage SPI repositories (credentials, attempts, flows,
 * throttling counters) and atomic step commits over one host-supplied {@link DataSource}.
 *
 * <pre>{@code
 * JdbcStorage storage = JdbcStorage.builder()
 *         .dataSource(hikariDataSource)        // required; pooled by the host
 *         .dialect(Dialect.POSTGRESQL)         // optional; detected from the database otherwise
 *         .tablePrefix("passkeyflow_")         // optional; this is the default
 *         .clock(Clock.systemUTC())            // optional; judges flow expiry
 *         .build();
 * CredentialRepository credentials = storage.credentials();
 * }</pre>
 *
 * <p>The library keeps no connection: every call borrows one connection from the data source
 * and returns it before it returns, so the host's pool decides sizes and timeouts. All objects are
 * thread-safe and can be shared by the whole application.
 *
 * <p>Instants are stored truncated to whole microseconds; the repositories return what is stored.
 * Flow expiry is judged by the configured {@link Clock}, never by the database's clock, so every
 * node should run with a synchronised clock.
 */
public final class JdbcStorage {

    /** The default table prefix: {@value}. */
    public static final String DEFAULT_TABLE_PREFIX = Tables.FILE_PREFIX;

    /** The longest table prefix accepted: {@value} characters. */
    public static final int MAX_TABLE_PREFIX_LENGTH = 30;

    /** The default number of rows a purge deletes per statement: {@value}. */
    public static final int DEFAULT_PURGE_BATCH_SIZE = 10_000;

    private final DataSource dataSource;
    private final Dialect dialect;
    private final Tables tables;
    private final Clock clock;
    private final int purgeBatchSize;
    private final JdbcCredentialRepository credentials;
    private final JdbcLoginAttemptRepository attempts;
    private final JdbcFlowStateRepository flows;
    private final JdbcThrottleRepository throttles;
    private final JdbcAtomicStepRepository steps;
    private final JdbcPasskeyEventRepository events;

    private JdbcStorage(DataSource dataSource, Dialect dialect, Tables tables, Clock clock, int purgeBatchSize) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.tables = tables;
        this.clock = clock;
        this.purgeBatchSize = purgeBatchSize;
        JdbcExecutor executor = new JdbcExecutor(dataSource);
        this.credentials = new JdbcCredentialRepository(executor, dialect, tables);
        this.attempts = new JdbcLoginAttemptRepository(executor, dialect, tables, purgeBatchSize);
        this.flows = new JdbcFlowStateRepository(executor, dialect, tables, clock, purgeBatchSize);
        this.throttles = new JdbcThrottleRepository(executor, dialect, tables, purgeBatchSize);
        this.steps = new JdbcAtomicStepRepository(executor, dialect, tables, flows, credentials, attempts, throttles);
        this.events = new JdbcPasskeyEventRepository(executor, dialect, tables, purgeBatchSize);
    }

    /** A builder; only {@link Builder#dataSource(DataSource)} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Accounts and passkeys. */
    public CredentialRepository credentials() {
        return credentials;
    }

    /** Login attempt history. */
    public LoginAttemptRepository attempts() {
        return attempts;
    }

    /**
     * Passkey offer events with expiry times (per-kind cooldowns and unanswered-offer counters),
     * shared by every node on this database. {@link PasskeyEventRepository#purgeExpired} deletes in
     * batches of {@link #purgeBatchSize()}.
     */
    public PasskeyEventRepository events() {
        return events;
    }

    /** In-flight login flows. */
    public FlowStateRepository flows() {
        return flows;
    }

    /**
     * Login throttling counters, shared by every node on this database: on PostgreSQL one
     * statement per increment, on H2 one short transaction. {@link ThrottleRepository#purgeExpired}
     * deletes in batches of {@link #purgeBatchSize()}.
     */
    public ThrottleRepository throttles() {
        return throttles;
    }

    /**
     * Commits a login step's flow update and its writes (credential uses, new credentials, status
     * changes, attempts) in one transaction on one borrowed connection, over the same tables as
     * {@link #flows()}, {@link #credentials()} and {@link #attempts()}. Give it to the login flow
     * together with the other repositories of this storage:
     *
     * <pre>{@code
     * LoginFlow flow = LoginFlow.builder()
     *         .rpId("example.com").rpName("Example").origin("https://example.com")
     *         .credentialRepository(storage.credentials())
     *         .loginAttemptRepository(storage.attempts())
     *         .flowStateRepository(storage.flows())
     *         .throttleRepository(storage.throttles())
     *         .atomicStepRepository(storage.steps())
     *         .build();
     * }</pre>
     *
     * <p>{@link AtomicStepRepository#commit} returns {@code false} and writes nothing when the flow
     * is missing, expired (by this storage's clock) or not at the expected version; it throws
     * {@link dev.passkeyflow.storage.StorageException} with {@code DUPLICATE} when a new
     * credential's id is stored for another account or with another public key, {@code NOT_FOUND}
     * when a new credential's account does not exist, and {@code UNAVAILABLE} when the database
     * fails; in every one of these cases the transaction is rolled back and nothing is written.
     */
    public AtomicStepRepository steps() {
        return steps;
    }

    /** The dialect in use, as configured or detected. */
    public Dialect dialect() {
        return dialect;
    }

    /** The table prefix in use. */
    public String tablePrefix() {
        return tables.prefix;
    }

    /** The clock that judges flow expiry. */
    public Clock clock() {
        return clock;
    }

    /** The most rows one purge statement deletes. */
    public int purgeBatchSize() {
        return purgeBatchSize;
    }

    /**
     * Creates the tables that do not exist yet, as {@link SchemaInitializer#apply} does with this
     * storage's data source, dialect and table prefix. Harmless when they exist.
     */
    public void initializeSchema() {
        SchemaInitializer.apply(dataSource, dialect, tables.prefix);
    }

    @Override
    public String toString() {
        return "JdbcStorage[dialect=" + dialect + ", tablePrefix=" + tables.prefix + ", clock=" + clock
                + ", purgeBatchSize=" + purgeBatchSize + "]";
    }

    /**
     * Configures a {@link JdbcStorage}. Each option may be set once; a bad value is rejected by the
     * setter with a message that names it.
     */
    public static final class Builder {

        private @Nullable DataSource dataSource;
        private @Nullable Dialect dialect;
        private @Nullable String tablePrefix;
        private @Nullable Clock clock;
        private int purgeBatchSize;
        private boolean purgeBatchSizeSet;
        private boolean initializeSchema;
        private boolean initializeSchemaSet;

        private Builder() {}

        /** The host's data source, ideally a connection pool. Required. */
        public Builder dataSource(DataSource dataSource) {
            Objects.requireNonNull(dataSource, "dataSource");
            requireUnset(this.dataSource == null, "dataSource");
            this.dataSource = dataSource;
            return this;
        }

        /**
         * The database dialect. When not set, {@link #build()} detects it with
         * {@link Dialect#detect(DataSource)}, which borrows one connection.
         */
        public Builder dialect(Dialect dialect) {
            Objects.requireNonNull(dialect, "dialect");
            requireUnset(this.dialect == null, "dialect");
            this.dialect = dialect;
            return this;
        }

        /**
         * The prefix of every table, constraint and index name; default {@value JdbcStorage#DEFAULT_TABLE_PREFIX}.
         * One to {@value JdbcStorage#MAX_TABLE_PREFIX_LENGTH} lower-case letters, digits or
         * underscores, starting with a letter. The Flyway migration files use the default prefix.
         *
         * @throws IllegalArgumentException if the prefix is not valid
         */
        public Builder tablePrefix(String tablePrefix) {
            Tables.validatePrefix(tablePrefix);
            requireUnset(this.tablePrefix == null, "tablePrefix");
            this.tablePrefix = tablePrefix;
            return this;
        }

        /** The clock that judges flow expiry; default {@link Clock#systemUTC()}. */
        public Builder clock(Clock clock) {
            Objects.requireNonNull(clock, "clock");
            requireUnset(this.clock == null, "clock");
            this.clock = clock;
            return this;
        }

        /**
         * The most rows one purge statement deletes; default {@value JdbcStorage#DEFAULT_PURGE_BATCH_SIZE}.
         * Purges loop, one short transaction per batch, until nothing is left to delete.
         *
         * @throws IllegalArgumentException if the size is not positive
         */
        public Builder purgeBatchSize(int purgeBatchSize) {
            if (purgeBatchSize <= 0) {
                throw new IllegalArgumentException("purgeBatchSize must be positive, was " + purgeBatchSize);
            }
            requireUnset(!purgeBatchSizeSet, "purgeBatchSize");
            this.purgeBatchSize = purgeBatchSize;
            this.purgeBatchSizeSet = true;
            return this;
        }

        /**
         * Whether {@link #build()} creates missing tables with {@link SchemaInitializer}; default
         * {@code false} (the host applies the migrations, e.g. with Flyway).
         */
        public Builder initializeSchema(boolean initializeSchema) {
            requireUnset(!initializeSchemaSet, "initializeSchema");
            this.initializeSchema = initializeSchema;
            this.initializeSchemaSet = true;
            return this;
        }

        /**
         * Builds the storage. Borrows a connection only to detect the dialect (when none was set)
         * and to initialise the schema (when asked to).
         *
         * @throws IllegalStateException if no data source was set
         * @throws IllegalArgumentException if the dialect was to be detected and the database is
         *     not supported
         * @throws dev.passkeyflow.storage.StorageException with reason {@code UNAVAILABLE} if the
         *     database could not be reached for detection or initialisation
         */
        public JdbcStorage build() {
            DataSource source = dataSource;
            if (source == null) {
                throw new IllegalStateException("dataSource is required");
            }
            Dialect chosen = dialect != null ? dialect : Dialect.detect(source);
            JdbcStorage storage = new JdbcStorage(
                    source,
                    chosen,
                    new Tables(tablePrefix != null ? tablePrefix : DEFAULT_TABLE_PREFIX),
                    clock != null ? clock : Clock.systemUTC(),
                    purgeBatchSizeSet ? purgeBatchSize : DEFAULT_PURGE_BATCH_SIZE);
            if (initializeSchema) {
                storage.initializeSchema();
            }
            return storage;
        }

        private static void requireUnset(boolean unset, String option) {
            if (!unset) {
                throw new IllegalStateException(option + " was already set");
            }
        }
    }
}
