package dev.passkeyflow.examples;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.StorageException;
import dev.passkeyflow.storage.UserAccount;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The host application's own accounts: passkeyflow only needs to find them (through
 * {@link CredentialRepository#saveUser}), the passwords stay with the host. Passwords are hashed
 * with bcrypt (the {@code at.favre.lib:bcrypt} library), never by hand, in a table of the demo's
 * own on the same data source.
 */
final class Accounts {

    /** bcrypt reads at most 72 bytes of a password. */
    static final int MAX_PASSWORD_BYTES = 72;

    static final int MIN_PASSWORD_LENGTH = 8;
    static final int MAX_IDENTIFIER_LENGTH = 200;

    private static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS demo_passwords ("
            + "user_handle VARCHAR(100) PRIMARY KEY, password_hash VARCHAR(100) NOT NULL)";

    private final DataSource dataSource;
    private final CredentialRepository credentials;
    private final int cost;
    private final SecureRandom random = new SecureRandom();
    /** Verified against for unknown identifiers, so that they take as long as known ones. */
    private final byte[] dummyHash;

    Accounts(DataSource dataSource, CredentialRepository credentials, int cost) {
        this.dataSource = dataSource;
        this.credentials = credentials;
        this.cost = cost;
        this.dummyHash = BCrypt.withDefaults().hash(cost, "not-a-password".toCharArray());
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(CREATE_TABLE);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the demo_passwords table", e);
        }
    }

    /** The same normalisation the flow uses (it is configured with this method). */
    static String normalize(String identifier) {
        return identifier.trim().toLowerCase(Locale.ROOT);
    }

    /** Why a sign-up was refused, in words for the page. */
    static final class SignUpException extends Exception {
        private static final long serialVersionUID = 1L;

        SignUpException(String message) {
            super(message);
        }
    }

    /**
     * Creates an account: a random user handle (no personal data in it), the account in the
     * passkeyflow credential repository, and the bcrypt hash in the demo's table.
     */
    UserAccount signUp(String rawIdentifier, String rawDisplayName, String password) throws SignUpException {
        String identifier = normalize(rawIdentifier);
        if (identifier.isEmpty() || identifier.length() > MAX_IDENTIFIER_LENGTH) {
            throw new SignUpException(
                    "Enter an email address or user name (at most " + MAX_IDENTIFIER_LENGTH + " characters).");
        }
        if (password.length() < MIN_PASSWORD_LENGTH) {
            throw new SignUpException("Choose a password of at least " + MIN_PASSWORD_LENGTH + " characters.");
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            throw new SignUpException("Choose a password of at most " + MAX_PASSWORD_BYTES + " bytes.");
        }
        if (credentials.findUserByIdentifier(identifier).isPresent()) {
            throw new SignUpException("An account with this identifier exists already. Sign in instead.");
        }
        String displayName = rawDisplayName.isBlank() ? defaultDisplayName(identifier) : rawDisplayName.trim();
        byte[] handle = new byte[32];
        random.nextBytes(handle);
        UserAccount account = new UserAccount(Bytes.of(handle), identifier, displayName);
        try {
            credentials.saveUser(account);
        } catch (StorageException e) {
            if (e.reason() == StorageException.Reason.DUPLICATE) {
                throw new SignUpException("An account with this identifier exists already. Sign in instead.");
            }
            throw e;
        }
        String hash = BCrypt.withDefaults().hashToString(cost, password.toCharArray());
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO demo_passwords (user_handle, password_hash) VALUES (?, ?)")) {
            insert.setString(1, account.userHandle().toBase64Url());
            insert.setString(2, hash);
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store the password hash", e);
        }
        return account;
    }

    /**
     * Checks a password for an identifier. Unknown identifiers cost one bcrypt verification too.
     *
     * @return the account if the password is right
     */
    Optional<UserAccount> verifyPassword(String identifier, String password) {
        Optional<UserAccount> account = credentials.findUserByIdentifier(normalize(identifier));
        String hash = account.map(a -> storedHash(a.userHandle())).orElse(null);
        byte[] candidate = hash != null ? hash.getBytes(StandardCharsets.UTF_8) : dummyHash;
        boolean verified = password.getBytes(StandardCharsets.UTF_8).length <= MAX_PASSWORD_BYTES
                && BCrypt.verifyer().verify(password.toCharArray(), candidate).verified;
        return verified && hash != null ? account : Optional.empty();
    }

    private @org.jspecify.annotations.Nullable String storedHash(Bytes userHandle) {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select =
                        connection.prepareStatement("SELECT password_hash FROM demo_passwords WHERE user_handle = ?")) {
            select.setString(1, userHandle.toBase64Url());
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the password hash", e);
        }
    }

    private static String defaultDisplayName(String identifier) {
        int at = identifier.indexOf('@');
        return at > 0 ? identifier.substring(0, at) : identifier;
    }
}
