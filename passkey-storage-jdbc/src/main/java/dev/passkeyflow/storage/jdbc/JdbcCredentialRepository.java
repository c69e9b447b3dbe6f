package dev.passkeyflow.storage.jdbc;

import dev.passkeyflow.storage.AccountCredentials;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.ClientInfo;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.StepWrites;
import dev.passkeyflow.storage.StorageException;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * {@link CredentialRepository} over the {@code users} and {@code credentials} tables. Every
 * operation is a single statement, so each one is atomic on its own.
 *
 * <p>A little over the project's 400 lines: every statement of the credential SPI, one method
 * each, with the SQL beside the code that binds it.
 */
final class JdbcCredentialRepository implements CredentialRepository {

    static final String CREDENTIAL_COLUMNS = "credential_id, user_handle, public_key_cose, signature_count,"
            + " transports, backup_eligible, backup_state, aaguid, created_at, created_device_id, created_platform,"
            + " created_browser, last_used_at, last_used_on_known, last_used_device_id, last_used_platform,"
            + " last_used_browser, status, nickname";

    private final JdbcExecutor executor;
    private final Dialect dialect;
    private final String selectUserByIdentifier;
    private final String selectUserByHandle;
    private final String upsertUser;
    private final String selectCredentialsByUser;
    private final String selectUserWithCredentials;
    private final String selectCredentialById;
    private final String insertCredential;
    private final String updateUse;
    private final String updateStatus;
    private final String updateStatusIfExpected;
    private final String insertCredentialUnlessStored;
    private final String selectOwnerAndKey;
    private final String deleteCredential;
    private final String updateNickname;

    JdbcCredentialRepository(JdbcExecutor executor, Dialect dialect, Tables tables) {
        this.executor = executor;
        this.dialect = dialect;
        this.selectUserByIdentifier =
                "SELECT user_handle, identifier, display_name FROM " + tables.users + " WHERE identifier = ?";
        this.selectUserByHandle =
                "SELECT user_handle, identifier, display_name FROM " + tables.users + " WHERE user_handle = ?";
        this.upsertUser = dialect.upsertUser(tables);
        this.selectCredentialsByUser = "SELECT " + CREDENTIAL_COLUMNS + " FROM " + tables.credentials
                + " WHERE user_handle = ? ORDER BY created_at, seq";
        // One round trip for a login start: the account and its credentials by a left join (an
        // account without credentials gives one row whose credential columns are NULL).
        this.selectUserWithCredentials = "SELECT u.user_handle AS account_handle, u.identifier, u.display_name, "
                + String.join(
                        ", ",
                        Arrays.stream(CREDENTIAL_COLUMNS.split(",\\s*"))
                                .map(column -> "c." + column)
                                .toList())
                + " FROM " + tables.users + " u LEFT JOIN " + tables.credentials + " c ON c.user_handle = u.user_handle"
                + " WHERE u.identifier = ? ORDER BY c.created_at, c.seq";
        this.selectCredentialById =
                "SELECT " + CREDENTIAL_COLUMNS + " FROM " + tables.credentials + " WHERE credential_id = ?";
        this.insertCredential = "INSERT INTO " + tables.credentials + " (" + CREDENTIAL_COLUMNS + ")"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        this.updateUse = "UPDATE " + tables.credentials + " SET signature_count = ?, backup_state = ?,"
                + " last_used_at = ?, last_used_on_known = TRUE, last_used_device_id = ?, last_used_platform = ?,"
                + " last_used_browser = ? WHERE credential_id = ?";
        this.updateStatus = "UPDATE " + tables.credentials + " SET status = ? WHERE credential_id = ?";
        this.updateStatusIfExpected = updateStatus + " AND status = ?";
        this.insertCredentialUnlessStored = dialect.onConflictDoNothing()
                ? insertCredential + " ON CONFLICT (credential_id) DO NOTHING"
                : insertCredential;
        this.selectOwnerAndKey =
                "SELECT user_handle, public_key_cose FROM " + tables.credentials + " WHERE credential_id = ?";
        this.deleteCredential = "DELETE FROM " + tables.credentials + " WHERE credential_id = ?";
        this.updateNickname = "UPDATE " + tables.credentials + " SET nickname = ? WHERE credential_id = ?";
    }

    @Override
    public Optional<UserAccount> findUserByIdentifier(String identifier) {
        Objects.requireNonNull(identifier, "identifier");
        return executor.run("find a user by identifier", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(selectUserByIdentifier)) {
                statement.setString(1, identifier);
                return readUser(statement);
            }
        });
    }

    @Override
    public Optional<UserAccount> findUserByHandle(Bytes userHandle) {
        Objects.requireNonNull(userHandle, "userHandle");
        return executor.run("find a user by handle", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(selectUserByHandle)) {
                statement.setBytes(1, userHandle.toByteArray());
                return readUser(statement);
            }
        });
    }

    private static Optional<UserAccount> readUser(PreparedStatement statement) throws SQLException {
        try (ResultSet row = statement.executeQuery()) {
            if (!row.next()) {
                return Optional.empty();
            }
            try {
                return Optional.of(new UserAccount(
                        Bytes.of(row.getBytes("user_handle")),
                        row.getString("identifier"),
                        row.getString("display_name")));
            } catch (RuntimeException e) {
                throw new SQLDataException("a stored user row is not valid", e);
            }
        }
    }

    @Override
    public void saveUser(UserAccount account) {
        Objects.requireNonNull(account, "account");
        try {
            upsert(account);
        } catch (StorageException e) {
            // Two first saves of the same new account can race on the primary key (H2's MERGE is
            // not atomic against concurrent inserts); the loser retries once as an update. A
            // violation of the identifier's uniqueness stays a DUPLICATE.
            if (e.reason() != StorageException.Reason.DUPLICATE || identifierTakenByOther(account)) {
                throw e;
            }
            upsert(account);
        }
    }

    private void upsert(UserAccount account) {
        executor.run("save a user", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(upsertUser)) {
                statement.setBytes(1, account.userHandle().toByteArray());
                statement.setString(2, account.identifier());
                statement.setString(3, account.displayName());
                return statement.executeUpdate();
            }
        });
    }

    private boolean identifierTakenByOther(UserAccount account) {
        return findUserByIdentifier(account.identifier())
                .map(owner -> !owner.userHandle().equals(account.userHandle()))
                .orElse(false);
    }

    @Override
    public List<StoredCredential> listCredentials(Bytes userHandle) {
        Objects.requireNonNull(userHandle, "userHandle");
        return executor.run("list credentials", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(selectCredentialsByUser)) {
                statement.setBytes(1, userHandle.toByteArray());
                try (ResultSet row = statement.executeQuery()) {
                    List<StoredCredential> credentials = new ArrayList<>();
                    while (row.next()) {
                        credentials.add(readCredential(row));
                    }
                    return List.copyOf(credentials);
                }
            }
        });
    }

    @Override
    public Optional<AccountCredentials> findUserWithCredentials(String identifier) {
        Objects.requireNonNull(identifier, "identifier");
        return executor.run("find a user with credentials", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(selectUserWithCredentials)) {
                statement.setString(1, identifier);
                try (ResultSet row = statement.executeQuery()) {
                    if (!row.next()) {
                        return Optional.empty();
                    }
                    UserAccount account;
                    try {
                        account = new UserAccount(
                                Bytes.of(row.getBytes("account_handle")),
                                row.getString("identifier"),
                                row.getString("display_name"));
                    } catch (RuntimeException e) {
                        throw new SQLDataException("a stored user row is not valid", e);
                    }
                    List<StoredCredential> credentials = new ArrayList<>();
                    do {
                        if (row.getBytes("credential_id") != null) {
                            credentials.add(readCredential(row));
                        }
                    } while (row.next());
                    return Optional.of(new AccountCredentials(account, credentials));
                }
            }
        });
    }

    @Override
    public Optional<StoredCredential> findCredential(Bytes credentialId) {
        Objects.requireNonNull(credentialId, "credentialId");
        return executor.run("find a credential", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(selectCredentialById)) {
                statement.setBytes(1, credentialId.toByteArray());
                try (ResultSet row = statement.executeQuery()) {
                    return row.next() ? Optional.of(readCredential(row)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public void saveCredential(StoredCredential credential) {
        Objects.requireNonNull(credential, "credential");
        executor.run("save a credential", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(insertCredential)) {
                bindCredential(statement, credential);
                return statement.executeUpdate();
            }
        });
    }

    /**
     * Stores a step's new credential on the caller's connection and transaction. A credential
     * already stored with the same id, user handle and public key counts as stored (a step applied
     * again); PostgreSQL skips it with {@code ON CONFLICT DO NOTHING}, on H2 its unique violation
     * fails only that statement.
     *
     * @throws StorageException {@code DUPLICATE} if the id is stored for another user or with
     *     another public key (the caller rolls back)
     * @throws SQLException a foreign key violation if no account has the user handle
     */
    void insertUnlessStored(Connection connection, StoredCredential credential) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(insertCredentialUnlessStored)) {
            bindCredential(statement, credential);
            if (statement.executeUpdate() == 1) {
                return;
            }
        } catch (SQLException e) {
            if (dialect.onConflictDoNothing() || !JdbcExecutor.isUniqueViolation(e)) {
                throw e;
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(selectOwnerAndKey)) {
            statement.setBytes(1, credential.credentialId().toByteArray());
            try (ResultSet row = statement.executeQuery()) {
                if (row.next()
                        && credential.userHandle().equals(Bytes.of(row.getBytes(1)))
                        && credential.publicKeyCose().equals(Bytes.of(row.getBytes(2)))) {
                    return;
                }
            }
        }
        throw new StorageException(
                StorageException.Reason.DUPLICATE,
                "store a new credential failed: its id is stored for another account or with another key");
    }

    /** Records credential uses on the caller's connection, as {@link #recordUse} does; missing credentials are skipped. */
    void recordUses(Connection connection, List<StepWrites.CredentialUse> uses) throws SQLException {
        if (uses.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(updateUse)) {
            for (StepWrites.CredentialUse use : uses) {
                statement.setLong(1, use.signatureCount());
                statement.setBoolean(2, use.backupState());
                Timestamps.bind(statement, 3, use.usedAt());
                Params.setString(statement, 4, use.usedOn().deviceId());
                Params.setString(statement, 5, use.usedOn().platform());
                Params.setString(statement, 6, use.usedOn().browser());
                statement.setBytes(7, use.credentialId().toByteArray());
                if (uses.size() == 1) {
                    statement.executeUpdate();
                    return;
                }
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    /** Applies status changes on the caller's connection, each only while the credential has its expected status. */
    void changeStatuses(Connection connection, List<StepWrites.StatusChange> changes) throws SQLException {
        if (changes.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(updateStatusIfExpected)) {
            for (StepWrites.StatusChange change : changes) {
                statement.setString(1, change.to().name());
                statement.setBytes(2, change.credentialId().toByteArray());
                statement.setString(3, change.expected().name());
                if (changes.size() == 1) {
                    statement.executeUpdate();
                    return;
                }
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    private static void bindCredential(PreparedStatement statement, StoredCredential credential) throws SQLException {
        int i = 0;
        statement.setBytes(++i, credential.credentialId().toByteArray());
        statement.setBytes(++i, credential.userHandle().toByteArray());
        statement.setBytes(++i, credential.publicKeyCose().toByteArray());
        statement.setLong(++i, credential.signatureCount());
        Params.setString(statement, ++i, encodeTransports(credential.transports()));
        statement.setBoolean(++i, credential.backupEligible());
        statement.setBoolean(++i, credential.backupState());
        Params.setBytes(statement, ++i, credential.aaguid());
        Timestamps.bind(statement, ++i, credential.createdAt());
        Params.setString(statement, ++i, credential.createdOn().deviceId());
        Params.setString(statement, ++i, credential.createdOn().platform());
        Params.setString(statement, ++i, credential.createdOn().browser());
        Timestamps.bind(statement, ++i, credential.lastUsedAt());
        ClientInfo lastUsedOn = credential.lastUsedOn();
        statement.setBoolean(++i, lastUsedOn != null);
        Params.setString(statement, ++i, lastUsedOn == null ? null : lastUsedOn.deviceId());
        Params.setString(statement, ++i, lastUsedOn == null ? null : lastUsedOn.platform());
        Params.setString(statement, ++i, lastUsedOn == null ? null : lastUsedOn.browser());
        statement.setString(++i, credential.status().name());
        Params.setString(statement, ++i, credential.nickname());
    }

    @Override
    public boolean recordUse(
            Bytes credentialId, long signatureCount, boolean backupState, Instant usedAt, ClientInfo usedOn) {
        Objects.requireNonNull(credentialId, "credentialId");
        Objects.requireNonNull(usedAt, "usedAt");
        Objects.requireNonNull(usedOn, "usedOn");
        if (signatureCount < 0 || signatureCount > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(
                    "signatureCount must be an unsigned 32-bit value, was " + signatureCount);
        }
        return executor.run("record a credential use", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(updateUse)) {
                statement.setLong(1, signatureCount);
                statement.setBoolean(2, backupState);
                Timestamps.bind(statement, 3, usedAt);
                Params.setString(statement, 4, usedOn.deviceId());
                Params.setString(statement, 5, usedOn.platform());
                Params.setString(statement, 6, usedOn.browser());
                statement.setBytes(7, credentialId.toByteArray());
                return statement.executeUpdate() > 0;
            }
        });
    }

    @Override
    public boolean setStatus(Bytes credentialId, CredentialStatus status) {
        Objects.requireNonNull(credentialId, "credentialId");
        Objects.requireNonNull(status, "status");
        return executor.run("set a credential's status", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(updateStatus)) {
                statement.setString(1, status.name());
                statement.setBytes(2, credentialId.toByteArray());
                return statement.executeUpdate() > 0;
            }
        });
    }

    @Override
    public boolean setNickname(Bytes credentialId, @Nullable String nickname) {
        Objects.requireNonNull(credentialId, "credentialId");
        return executor.run("rename a credential", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(updateNickname)) {
                Params.setString(statement, 1, nickname);
                statement.setBytes(2, credentialId.toByteArray());
                return statement.executeUpdate() > 0;
            }
        });
    }

    @Override
    public boolean deleteCredential(Bytes credentialId) {
        Objects.requireNonNull(credentialId, "credentialId");
        return executor.run("delete a credential", connection -> {
            try (PreparedStatement statement = connection.prepareStatement(deleteCredential)) {
                statement.setBytes(1, credentialId.toByteArray());
                return statement.executeUpdate() > 0;
            }
        });
    }

    static StoredCredential readCredential(ResultSet row) throws SQLException {
        try {
            ClientInfo lastUsedOn = row.getBoolean("last_used_on_known")
                    ? new ClientInfo(
                            row.getString("last_used_device_id"),
                            row.getString("last_used_platform"),
                            row.getString("last_used_browser"))
                    : null;
            byte[] aaguid = row.getBytes("aaguid");
            return new StoredCredential(
                    Bytes.of(row.getBytes("credential_id")),
                    Bytes.of(row.getBytes("user_handle")),
                    Bytes.of(row.getBytes("public_key_cose")),
                    row.getLong("signature_count"),
                    decodeTransports(row.getString("transports")),
                    row.getBoolean("backup_eligible"),
                    row.getBoolean("backup_state"),
                    aaguid == null ? null : Bytes.of(aaguid),
                    Timestamps.readRequired(row, "created_at"),
                    Timestamps.read(row, "last_used_at"),
                    new ClientInfo(
                            row.getString("created_device_id"),
                            row.getString("created_platform"),
                            row.getString("created_browser")),
                    lastUsedOn,
                    CredentialStatus.valueOf(row.getString("status")),
                    row.getString("nickname"));
        } catch (RuntimeException e) {
            // An unknown status, a NULL in a required column: the row was not written by this code.
            throw new SQLDataException("a stored credential row is not valid", e);
        }
    }

    /**
     * The transports column: {@code NULL} for no transports, otherwise each transport URL-encoded
     * (so that commas and the empty string survive) and joined by commas in sorted order, e.g.
     * {@code hybrid,internal}.
     */
    static @Nullable String encodeTransports(Set<String> transports) {
        if (transports.isEmpty()) {
            return null;
        }
        StringJoiner joined = new StringJoiner(",");
        for (String transport : new TreeSet<>(transports)) {
            joined.add(URLEncoder.encode(transport, StandardCharsets.UTF_8));
        }
        return joined.toString();
    }

    static Set<String> decodeTransports(@Nullable String column) {
        if (column == null) {
            return Set.of();
        }
        Set<String> transports = new LinkedHashSet<>();
        for (String encoded : column.split(",", -1)) {
            transports.add(URLDecoder.decode(encoded, StandardCharsets.UTF_8));
        }
        return transports;
    }
}
