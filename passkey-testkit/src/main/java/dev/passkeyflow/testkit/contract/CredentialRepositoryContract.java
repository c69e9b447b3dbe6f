package dev.passkeyflow.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.passkeyflow.storage.AccountCredentials;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.ClientInfo;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.StorageException;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.testkit.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every {@link CredentialRepository} must meet, as an abstract JUnit 5 test class.
 *
 * <p>To check an implementation, extend this class in your test sources and implement the one
 * factory hook; JUnit runs every inherited {@code @Nested} group against a fresh, empty
 * repository per test:
 *
 * <pre>{@code
 * class H2CredentialRepositoryContractTest extends CredentialRepositoryContract {
 *
 *     private JdbcDataSource dataSource;
 *
 *     @Override
 *     protected CredentialRepository createRepository(MutableClock clock) {
 *         dataSource = new JdbcDataSource();                          // a new, empty database per test
 *         dataSource.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
 *         return JdbcStorage.builder().dataSource(dataSource).clock(clock)
 *                 .initializeSchema(true).build().credentials();
 *     }
 *
 *     @AfterEach
 *     void shutDown() throws SQLException {
 *         try (Connection c = dataSource.getConnection()) {
 *             c.createStatement().execute("SHUTDOWN");
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>The hook is called before every test, so it must return an <em>empty</em> repository: a new
 * in-memory instance, or a database whose tables were just emptied. Release resources in an
 * {@code @AfterEach} method of the subclass if needed. The clock is the one the tests move; a
 * credential repository usually needs none, it is passed for uniformity with the other kits.
 *
 * <p>The kit uses only whole-millisecond instants, user handles of 1 to 64 bytes, identifiers
 * that differ only in case (they must not match each other), non-ASCII display names and
 * nicknames, and signature counts up to 2<sup>32</sup>-1, so a database schema must keep all of
 * these exactly.
 *
 * <p>Longer than the project's 400 lines on purpose: a kit is one class an implementer extends
 * (micrometer-test's model), so its length is its list of tests, grouped with {@code @Nested};
 * splitting it would make every implementer extend several classes.
 */
public abstract class CredentialRepositoryContract extends RepositoryContract<CredentialRepository> {

    /**
     * Creates the repository under test, empty. Called before every test.
     *
     * @param clock the clock the tests control; use it if the implementation reads the time
     * @return a new, empty repository
     */
    @Override
    protected abstract CredentialRepository createRepository(MutableClock clock);

    // ---------------------------------------------------------------- fixtures

    private static Bytes bytes(String text) {
        return Bytes.of(text.getBytes(StandardCharsets.UTF_8));
    }

    private static Bytes handle(String name) {
        return bytes("handle-" + name);
    }

    private static UserAccount account(String name) {
        return new UserAccount(handle(name), name + "@example.com", "Display " + name);
    }

    private UserAccount savedAccount(String name) {
        UserAccount account = account(name);
        repository().saveUser(account);
        return account;
    }

    private static Bytes aaguid() {
        byte[] raw = new byte[16];
        for (int i = 0; i < raw.length; i++) {
            raw[i] = (byte) (0xA0 + i);
        }
        return Bytes.of(raw);
    }

    /** A credential with every optional field absent. */
    private static StoredCredential minimalCredential(String id, UserAccount owner, Instant createdAt) {
        return new StoredCredential(
                bytes(id),
                owner.userHandle(),
                bytes("cose-" + id),
                0,
                Set.of(),
                false,
                false,
                null,
                createdAt,
                null,
                ClientInfo.unknown(),
                null,
                CredentialStatus.ACTIVE,
                null);
    }

    /** A credential with every field set to a non-default value. */
    private static StoredCredential fullCredential(String id, UserAccount owner) {
        return new StoredCredential(
                bytes(id),
                owner.userHandle(),
                bytes("cose-key-of-" + id),
                4_294_967_295L,
                Set.of("internal", "hybrid", "usb"),
                true,
                true,
                aaguid(),
                Instant.parse("2024-05-06T07:08:09.123Z"),
                Instant.parse("2024-11-12T13:14:15.678Z"),
                new ClientInfo("device-créé", "macOS", "Safari"),
                new ClientInfo("device-2", "iOS", "Chrome"),
                CredentialStatus.SUSPECTED_BROKEN,
                "Arbeits-Laptop ✓ é");
    }

    private StoredCredential savedCredential(String id, UserAccount owner, Instant createdAt) {
        StoredCredential credential = minimalCredential(id, owner, createdAt);
        repository().saveCredential(credential);
        return credential;
    }

    // ---------------------------------------------------------------- tests

    @Nested
    @DisplayName("an account with its credentials in one lookup")
    class AccountWithCredentials {

        @Test
        @DisplayName("gives the account and exactly what listCredentials gives, in the same order, whatever the status")
        void sameAsTwoLookups() {
            UserAccount alice = savedAccount("alice");
            UserAccount bob = savedAccount("bob");
            savedCredential("a-new", alice, START.plusSeconds(20));
            repository().saveCredential(fullCredential("a-full", alice));
            savedCredential("a-old", alice, START);
            savedCredential("b-1", bob, START);
            repository().setStatus(bytes("a-old"), CredentialStatus.RETIRED);

            Optional<AccountCredentials> found = repository().findUserWithCredentials(alice.identifier());

            assertThat(found).hasValueSatisfying(ac -> {
                assertThat(ac.account()).isEqualTo(alice);
                assertThat(ac.credentials())
                        .isEqualTo(repository().listCredentials(alice.userHandle()))
                        .hasSize(3);
            });
        }

        @Test
        @DisplayName("gives an account without credentials with an empty list, and nothing for an unknown identifier")
        void emptyAndUnknown() {
            UserAccount carol = savedAccount("carol");

            assertThat(repository().findUserWithCredentials(carol.identifier()))
                    .hasValueSatisfying(ac -> assertThat(ac.credentials()).isEmpty());
            assertThat(repository().findUserWithCredentials("nobody@example.com"))
                    .isEmpty();
            assertThat(repository().findUserWithCredentials(carol.identifier().toUpperCase(java.util.Locale.ROOT)))
                    .as("identifiers are matched exactly")
                    .isEmpty();
        }
    }

    @Nested
    @DisplayName("accounts")
    class Accounts {

        @Test
        @DisplayName("a saved account is found by its identifier and by its handle")
        void savedAccountIsFound() {
            UserAccount alice = account("alice");

            repository().saveUser(alice);

            assertThat(repository().findUserByIdentifier("alice@example.com")).contains(alice);
            assertThat(repository().findUserByHandle(handle("alice"))).contains(alice);
        }

        @Test
        @DisplayName("a 64-byte handle and a non-ASCII display name survive a round trip")
        void longHandleAndNonAsciiNameRoundTrip() {
            byte[] raw = new byte[UserAccount.MAX_USER_HANDLE_LENGTH];
            Arrays.fill(raw, (byte) 0xFF);
            raw[0] = 0;
            UserAccount account = new UserAccount(Bytes.of(raw), "zoë", "Zoë Ünal ✓");

            repository().saveUser(account);

            assertThat(repository().findUserByHandle(Bytes.of(raw))).contains(account);
            assertThat(repository().findUserByIdentifier("zoë")).contains(account);
        }

        @Test
        @DisplayName("an unknown identifier or handle finds nothing")
        void unknownFindsNothing() {
            savedAccount("alice");

            assertThat(repository().findUserByIdentifier("bob@example.com")).isEmpty();
            assertThat(repository().findUserByHandle(handle("bob"))).isEmpty();
        }

        @Test
        @DisplayName("an identifier that differs only in case finds nothing")
        void identifierIsMatchedExactly() {
            savedAccount("alice");

            assertThat(repository().findUserByIdentifier("Alice@example.com")).isEmpty();
            assertThat(repository().findUserByIdentifier("alice@example.com ")).isEmpty();
        }

        @Test
        @DisplayName("saving an account again with the same handle replaces its identifier and display name")
        void saveReplacesIdentifierAndName() {
            savedAccount("alice");
            UserAccount renamed = new UserAccount(handle("alice"), "alice.new@example.com", "Alice New");

            repository().saveUser(renamed);

            assertThat(repository().findUserByHandle(handle("alice"))).contains(renamed);
            assertThat(repository().findUserByIdentifier("alice.new@example.com"))
                    .contains(renamed);
            assertThat(repository().findUserByIdentifier("alice@example.com")).isEmpty();
        }

        @Test
        @DisplayName("saving the same account twice is accepted")
        void saveIsRepeatable() {
            UserAccount alice = savedAccount("alice");

            repository().saveUser(alice);

            assertThat(repository().findUserByIdentifier("alice@example.com")).contains(alice);
        }

        @Test
        @DisplayName("an identifier of another account is rejected as DUPLICATE and nothing changes")
        void duplicateIdentifierIsRejected() {
            UserAccount alice = savedAccount("alice");
            UserAccount impostor = new UserAccount(handle("mallory"), "alice@example.com", "Mallory");

            assertThatThrownBy(() -> repository().saveUser(impostor))
                    .isInstanceOfSatisfying(
                            StorageException.class,
                            e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.DUPLICATE));

            assertThat(repository().findUserByIdentifier("alice@example.com")).contains(alice);
            assertThat(repository().findUserByHandle(handle("mallory"))).isEmpty();
        }

        @Test
        @DisplayName("renaming an account to the identifier of another is rejected and nothing changes")
        void renameOntoAnotherIdentifierIsRejected() {
            UserAccount alice = savedAccount("alice");
            UserAccount bob = savedAccount("bob");
            UserAccount bobAsAlice = new UserAccount(bob.userHandle(), alice.identifier(), "Bob");

            assertThatThrownBy(() -> repository().saveUser(bobAsAlice))
                    .isInstanceOfSatisfying(
                            StorageException.class,
                            e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.DUPLICATE));

            assertThat(repository().findUserByHandle(bob.userHandle())).contains(bob);
            assertThat(repository().findUserByIdentifier(bob.identifier())).contains(bob);
            assertThat(repository().findUserByIdentifier(alice.identifier())).contains(alice);
        }

        @Test
        @DisplayName("null arguments are rejected with NullPointerException")
        @SuppressWarnings("NullAway") // passes null on purpose: the contract requires a NullPointerException
        void nullsAreRejected() {
            assertThatNullPointerException().isThrownBy(() -> repository().findUserByIdentifier(null));
            assertThatNullPointerException().isThrownBy(() -> repository().findUserByHandle(null));
            assertThatNullPointerException().isThrownBy(() -> repository().saveUser(null));
        }
    }

    @Nested
    @DisplayName("credential round trips")
    class RoundTrips {

        @Test
        @DisplayName("every field of a fully populated credential survives a round trip")
        void fullCredentialRoundTrips() {
            UserAccount alice = savedAccount("alice");
            StoredCredential credential = fullCredential("cred-full", alice);

            repository().saveCredential(credential);

            StoredCredential found =
                    repository().findCredential(bytes("cred-full")).orElseThrow();
            assertThat(found).isEqualTo(credential);
            assertThat(found.transports()).containsExactlyInAnyOrder("internal", "hybrid", "usb");
            assertThat(found.aaguid()).isEqualTo(aaguid());
            assertThat(found.signatureCount()).isEqualTo(4_294_967_295L);
            assertThat(found.nickname()).isEqualTo("Arbeits-Laptop ✓ é");
            assertThat(repository().listCredentials(alice.userHandle())).containsExactly(credential);
        }

        @Test
        @DisplayName("a credential with every optional field absent survives a round trip")
        void minimalCredentialRoundTrips() {
            UserAccount alice = savedAccount("alice");
            StoredCredential credential = minimalCredential("cred-min", alice, START);

            repository().saveCredential(credential);

            StoredCredential found =
                    repository().findCredential(bytes("cred-min")).orElseThrow();
            assertThat(found).isEqualTo(credential);
            assertThat(found.aaguid()).isNull();
            assertThat(found.lastUsedAt()).isNull();
            assertThat(found.lastUsedOn()).isNull();
            assertThat(found.nickname()).isNull();
            assertThat(found.transports()).isEmpty();
            assertThat(found.createdOn()).isEqualTo(ClientInfo.unknown());
        }

        @Test
        @DisplayName("an all-zero AAGUID and a partly known client survive a round trip")
        void zeroAaguidRoundTrips() {
            UserAccount alice = savedAccount("alice");
            StoredCredential credential = new StoredCredential(
                    bytes("cred-zero"),
                    alice.userHandle(),
                    bytes("cose"),
                    1,
                    Set.of("hybrid"),
                    true,
                    false,
                    Bytes.of(new byte[16]),
                    START,
                    null,
                    new ClientInfo(null, "Android", null),
                    null,
                    CredentialStatus.ACTIVE,
                    null);

            repository().saveCredential(credential);

            assertThat(repository().findCredential(bytes("cred-zero"))).contains(credential);
        }

        @Test
        @DisplayName("an unknown credential id finds nothing")
        void unknownCredentialFindsNothing() {
            savedCredential("cred-1", savedAccount("alice"), START);

            assertThat(repository().findCredential(bytes("cred-2"))).isEmpty();
        }

        @Test
        @DisplayName("mutating arrays passed in or handed out does not change stored bytes")
        void defensiveCopies() {
            UserAccount alice = savedAccount("alice");
            byte[] idBytes = {1, 2, 3, 4};
            byte[] keyBytes = {9, 8, 7, 6};
            StoredCredential credential = new StoredCredential(
                    Bytes.of(idBytes),
                    alice.userHandle(),
                    Bytes.of(keyBytes),
                    0,
                    Set.of(),
                    false,
                    false,
                    null,
                    START,
                    null,
                    ClientInfo.unknown(),
                    null,
                    CredentialStatus.ACTIVE,
                    null);
            repository().saveCredential(credential);

            idBytes[0] = 42;
            keyBytes[0] = 42;
            byte[] handedOut = repository()
                    .findCredential(Bytes.of(new byte[] {1, 2, 3, 4}))
                    .orElseThrow()
                    .publicKeyCose()
                    .toByteArray();
            handedOut[1] = 42;

            StoredCredential found = repository()
                    .findCredential(Bytes.of(new byte[] {1, 2, 3, 4}))
                    .orElseThrow();
            assertThat(found.credentialId().toByteArray()).containsExactly(1, 2, 3, 4);
            assertThat(found.publicKeyCose().toByteArray()).containsExactly(9, 8, 7, 6);
            assertThat(repository().findCredential(Bytes.of(new byte[] {42, 2, 3, 4})))
                    .isEmpty();
        }

        @Test
        @DisplayName("changing a returned list or transport set does not change what is stored")
        void returnedCollectionsDoNotLeak() {
            UserAccount alice = savedAccount("alice");
            StoredCredential credential = fullCredential("cred-1", alice);
            repository().saveCredential(credential);

            List<StoredCredential> listed = repository().listCredentials(alice.userHandle());
            var unusedOutcome1 = catchThrowable(listed::clear);
            var unusedOutcome2 = catchThrowable(() -> repository()
                    .findCredential(bytes("cred-1"))
                    .orElseThrow()
                    .transports()
                    .add("nfc"));

            assertThat(repository().listCredentials(alice.userHandle())).containsExactly(credential);
            assertThat(repository()
                            .findCredential(bytes("cred-1"))
                            .orElseThrow()
                            .transports())
                    .containsExactlyInAnyOrder("internal", "hybrid", "usb");
        }

        @Test
        @DisplayName("null arguments are rejected with NullPointerException")
        @SuppressWarnings("NullAway") // passes null on purpose: the contract requires a NullPointerException
        void nullsAreRejected() {
            assertThatNullPointerException().isThrownBy(() -> repository().findCredential(null));
            assertThatNullPointerException().isThrownBy(() -> repository().listCredentials(null));
            assertThatNullPointerException().isThrownBy(() -> repository().saveCredential(null));
            assertThatNullPointerException().isThrownBy(() -> repository().setStatus(null, CredentialStatus.RETIRED));
            assertThatNullPointerException().isThrownBy(() -> repository().deleteCredential(null));
        }
    }

    @Nested
    @DisplayName("saving credentials")
    class SavingCredentials {

        @Test
        @DisplayName("a duplicate credential id is rejected as DUPLICATE and the stored one is kept")
        void duplicateIdIsRejected() {
            UserAccount alice = savedAccount("alice");
            StoredCredential first = savedCredential("cred-1", alice, START);
            StoredCredential second = fullCredential("cred-1", alice);

            assertThatThrownBy(() -> repository().saveCredential(second))
                    .isInstanceOfSatisfying(
                            StorageException.class,
                            e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.DUPLICATE));

            assertThat(repository().findCredential(bytes("cred-1"))).contains(first);
            assertThat(repository().listCredentials(alice.userHandle())).containsExactly(first);
        }

        @Test
        @DisplayName("a credential id registered by another account is rejected as DUPLICATE")
        void duplicateIdOfAnotherAccountIsRejected() {
            UserAccount alice = savedAccount("alice");
            UserAccount bob = savedAccount("bob");
            StoredCredential alices = savedCredential("cred-1", alice, START);

            assertThatThrownBy(() -> repository().saveCredential(minimalCredential("cred-1", bob, START)))
                    .isInstanceOfSatisfying(
                            StorageException.class,
                            e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.DUPLICATE));

            assertThat(repository().findCredential(bytes("cred-1"))).contains(alices);
            assertThat(repository().listCredentials(bob.userHandle())).isEmpty();
        }

        @Test
        @DisplayName("a credential of an unknown account is rejected as NOT_FOUND and not stored")
        void unknownAccountIsRejected() {
            UserAccount ghost = account("ghost");

            assertThatThrownBy(() -> repository().saveCredential(minimalCredential("cred-1", ghost, START)))
                    .isInstanceOfSatisfying(
                            StorageException.class,
                            e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.NOT_FOUND));

            assertThat(repository().findCredential(bytes("cred-1"))).isEmpty();
            assertThat(repository().listCredentials(ghost.userHandle())).isEmpty();
        }

        @Test
        @DisplayName("a credential can be registered once its account exists")
        void savedOnceAccountExists() {
            UserAccount alice = account("alice");
            StoredCredential credential = minimalCredential("cred-1", alice, START);
            var unusedOutcome3 = catchThrowable(() -> repository().saveCredential(credential));

            repository().saveUser(alice);
            repository().saveCredential(credential);

            assertThat(repository().findCredential(bytes("cred-1"))).contains(credential);
        }
    }

    @Nested
    @DisplayName("listing credentials")
    class ListingCredentials {

        @Test
        @DisplayName("an account's credentials are listed oldest first, whatever the order they were saved in")
        void listedOldestFirst() {
            UserAccount alice = savedAccount("alice");
            StoredCredential middle = savedCredential("cred-b", alice, START.plus(Duration.ofDays(1)));
            StoredCredential newest = savedCredential("cred-c", alice, START.plus(Duration.ofDays(2)));
            StoredCredential oldest = savedCredential("cred-a", alice, START);

            assertThat(repository().listCredentials(alice.userHandle())).containsExactly(oldest, middle, newest);
        }

        @Test
        @DisplayName("each account lists only its own credentials")
        void listsAreIsolated() {
            UserAccount alice = savedAccount("alice");
            UserAccount bob = savedAccount("bob");
            StoredCredential alice1 = savedCredential("alice-1", alice, START);
            StoredCredential bob1 = savedCredential("bob-1", bob, START.plusSeconds(1));
            StoredCredential alice2 = savedCredential("alice-2", alice, START.plusSeconds(2));

            assertThat(repository().listCredentials(alice.userHandle())).containsExactly(alice1, alice2);
            assertThat(repository().listCredentials(bob.userHandle())).containsExactly(bob1);
        }

        @Test
        @DisplayName("an unknown account or one without credentials lists nothing")
        void emptyLists() {
            UserAccount alice = savedAccount("alice");

            assertThat(repository().listCredentials(alice.userHandle())).isEmpty();
            assertThat(repository().listCredentials(handle("nobody"))).isEmpty();
        }

        @Test
        @DisplayName("credentials are listed whatever their status")
        void listedWhateverStatus() {
            UserAccount alice = savedAccount("alice");
            savedCredential("cred-1", alice, START);
            savedCredential("cred-2", alice, START.plusSeconds(1));
            savedCredential("cred-3", alice, START.plusSeconds(2));
            repository().setStatus(bytes("cred-2"), CredentialStatus.SUSPECTED_BROKEN);
            repository().setStatus(bytes("cred-3"), CredentialStatus.RETIRED);

            assertThat(repository().listCredentials(alice.userHandle()))
                    .extracting(StoredCredential::status)
                    .containsExactly(
                            CredentialStatus.ACTIVE, CredentialStatus.SUSPECTED_BROKEN, CredentialStatus.RETIRED);
        }
    }

    @Nested
    @DisplayName("renaming")
    class Renaming {

        @Test
        @DisplayName("a nickname is stored, replaced and removed, and nothing else changes")
        void renameLifecycle() {
            UserAccount alice = savedAccount("alice");
            StoredCredential credential = fullCredential("cred-1", alice);
            repository().saveCredential(credential);

            assertThat(repository().setNickname(bytes("cred-1"), "Work laptop ✓"))
                    .isTrue();
            assertThat(repository().findCredential(bytes("cred-1"))).contains(credential.withNickname("Work laptop ✓"));

            assertThat(repository().setNickname(bytes("cred-1"), "Phone")).isTrue();
            assertThat(repository().listCredentials(alice.userHandle()))
                    .containsExactly(credential.withNickname("Phone"));

            assertThat(repository().setNickname(bytes("cred-1"), null)).isTrue();
            assertThat(repository().findCredential(bytes("cred-1"))).contains(credential.withNickname(null));
        }

        @Test
        @DisplayName("renaming an unknown credential returns false and creates nothing")
        void renameUnknown() {
            StoredCredential other = savedCredential("cred-1", savedAccount("alice"), START);

            assertThat(repository().setNickname(bytes("cred-2"), "Phone")).isFalse();

            assertThat(repository().findCredential(bytes("cred-2"))).isEmpty();
            assertThat(repository().findCredential(bytes("cred-1"))).contains(other);
        }

        @Test
        @DisplayName("renaming one credential leaves the account's other credentials alone")
        void renameIsolated() {
            UserAccount alice = savedAccount("alice");
            savedCredential("cred-1", alice, START);
            StoredCredential second = savedCredential("cred-2", alice, START.plusSeconds(1));

            repository().setNickname(bytes("cred-1"), "Phone");

            assertThat(repository().findCredential(bytes("cred-2"))).contains(second);
            assertThat(repository().listCredentials(alice.userHandle()))
                    .extracting(StoredCredential::nickname)
                    .containsExactly("Phone", null);
        }
    }

    @Nested
    @DisplayName("status changes")
    class StatusChanges {

        @Test
        @DisplayName("a credential moves from ACTIVE to SUSPECTED_BROKEN to RETIRED")
        void statusLifecycle() {
            UserAccount alice = savedAccount("alice");
            StoredCredential credential = savedCredential("cred-1", alice, START);

            assertThat(repository().setStatus(bytes("cred-1"), CredentialStatus.SUSPECTED_BROKEN))
                    .isTrue();
            assertThat(repository().findCredential(bytes("cred-1")))
                    .contains(credential.withStatus(CredentialStatus.SUSPECTED_BROKEN));

            assertThat(repository().setStatus(bytes("cred-1"), CredentialStatus.RETIRED))
                    .isTrue();
            assertThat(repository().findCredential(bytes("cred-1")))
                    .contains(credential.withStatus(CredentialStatus.RETIRED));
            assertThat(repository().listCredentials(alice.userHandle()))
                    .containsExactly(credential.withStatus(CredentialStatus.RETIRED));
        }

        @Test
        @DisplayName("setting the status a credential already has returns true")
        void sameStatusReturnsTrue() {
            savedCredential("cred-1", savedAccount("alice"), START);

            assertThat(repository().setStatus(bytes("cred-1"), CredentialStatus.ACTIVE))
                    .isTrue();
            assertThat(repository()
                            .findCredential(bytes("cred-1"))
                            .orElseThrow()
                            .status())
                    .isEqualTo(CredentialStatus.ACTIVE);
        }

        @Test
        @DisplayName("a status change leaves every other field as it was")
        void statusChangeKeepsOtherFields() {
            UserAccount alice = savedAccount("alice");
            StoredCredential credential = fullCredential("cred-1", alice);
            repository().saveCredential(credential);

            repository().setStatus(bytes("cred-1"), CredentialStatus.ACTIVE);

            assertThat(repository().findCredential(bytes("cred-1")))
                    .contains(credential.withStatus(CredentialStatus.ACTIVE));
        }

        @Test
        @DisplayName("setting the status of an unknown credential returns false and creates nothing")
        void unknownCredentialStatus() {
            UserAccount alice = savedAccount("alice");
            StoredCredential other = savedCredential("cred-1", alice, START);

            assertThat(repository().setStatus(bytes("cred-2"), CredentialStatus.RETIRED))
                    .isFalse();

            assertThat(repository().findCredential(bytes("cred-2"))).isEmpty();
            assertThat(repository().findCredential(bytes("cred-1"))).contains(other);
        }
    }

    @Nested
    @DisplayName("recording uses")
    class RecordingUses {

        @Test
        @DisplayName("a use updates the signature count, backup state, last use time and client")
        void useUpdatesFields() {
            UserAccount alice = savedAccount("alice");
            StoredCredential credential = savedCredential("cred-1", alice, START);
            Instant usedAt = START.plus(Duration.ofHours(5)).plusMillis(321);
            ClientInfo usedOn = new ClientInfo("device-9", "Windows", "Edge");

            assertThat(repository().recordUse(bytes("cred-1"), 17, true, usedAt, usedOn))
                    .isTrue();

            StoredCredential found =
                    repository().findCredential(bytes("cred-1")).orElseThrow();
            assertThat(found.signatureCount()).isEqualTo(17);
            assertThat(found.backupState()).isTrue();
            assertThat(found.lastUsedAt()).isEqualTo(usedAt);
            assertThat(found.lastUsedOn()).isEqualTo(usedOn);
            assertThat(found).isEqualTo(credential.withUse(17, true, usedAt, usedOn));
        }

        @Test
        @DisplayName("a later use replaces the earlier one and can clear the backup state")
        void laterUseReplacesEarlier() {
            UserAccount alice = savedAccount("alice");
            StoredCredential credential = fullCredential("cred-1", alice);
            repository().saveCredential(credential);
            Instant first = START.plusSeconds(10);
            Instant second = START.plusSeconds(20);

            repository().recordUse(bytes("cred-1"), 5, true, first, new ClientInfo("d1", "Linux", "Firefox"));
            repository().recordUse(bytes("cred-1"), 6, false, second, ClientInfo.unknown());

            assertThat(repository().findCredential(bytes("cred-1")))
                    .contains(credential.withUse(6, false, second, ClientInfo.unknown()));
        }

        @Test
        @DisplayName("a use leaves status, nickname and registration data as they were")
        void useKeepsOtherFields() {
            UserAccount alice = savedAccount("alice");
            StoredCredential credential = fullCredential("cred-1", alice);
            repository().saveCredential(credential);

            repository().recordUse(bytes("cred-1"), 0, false, START, ClientInfo.unknown());

            StoredCredential found =
                    repository().findCredential(bytes("cred-1")).orElseThrow();
            assertThat(found.status()).isEqualTo(CredentialStatus.SUSPECTED_BROKEN);
            assertThat(found.nickname()).isEqualTo(credential.nickname());
            assertThat(found.createdAt()).isEqualTo(credential.createdAt());
            assertThat(found.createdOn()).isEqualTo(credential.createdOn());
            assertThat(found.transports()).isEqualTo(credential.transports());
            assertThat(found.aaguid()).isEqualTo(credential.aaguid());
            assertThat(found.backupEligible()).isTrue();
            assertThat(found.publicKeyCose()).isEqualTo(credential.publicKeyCose());
        }

        @Test
        @DisplayName("a use of an unknown credential returns false and creates nothing")
        void unknownCredentialUse() {
            savedAccount("alice");

            assertThat(repository().recordUse(bytes("cred-x"), 1, false, START, ClientInfo.unknown()))
                    .isFalse();

            assertThat(repository().findCredential(bytes("cred-x"))).isEmpty();
        }

        @Test
        @DisplayName("a signature count outside 32 bits is rejected and nothing changes")
        void signatureCountOutOfRange() {
            UserAccount alice = savedAccount("alice");
            StoredCredential credential = savedCredential("cred-1", alice, START);

            assertThatIllegalArgumentException()
                    .isThrownBy(() ->
                            repository().recordUse(bytes("cred-1"), 1L << 32, false, START, ClientInfo.unknown()));
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> repository().recordUse(bytes("cred-1"), -1, false, START, ClientInfo.unknown()));

            assertThat(repository().findCredential(bytes("cred-1"))).contains(credential);
        }

        @Test
        @DisplayName("null arguments are rejected with NullPointerException and nothing changes")
        @SuppressWarnings("NullAway") // passes null on purpose: the contract requires a NullPointerException
        void nullsAreRejected() {
            StoredCredential credential = savedCredential("cred-1", savedAccount("alice"), START);

            assertThatNullPointerException()
                    .isThrownBy(() -> repository().recordUse(null, 1, false, START, ClientInfo.unknown()));
            assertThatNullPointerException()
                    .isThrownBy(() -> repository().recordUse(bytes("cred-1"), 1, false, null, ClientInfo.unknown()));
            assertThatNullPointerException()
                    .isThrownBy(() -> repository().recordUse(bytes("cred-1"), 1, false, START, null));
            assertThatNullPointerException().isThrownBy(() -> repository().setStatus(bytes("cred-1"), null));

            assertThat(repository().findCredential(bytes("cred-1"))).contains(credential);
        }
    }

    @Nested
    @DisplayName("deleting credentials")
    class DeletingCredentials {

        @Test
        @DisplayName("a deleted credential is gone from lookups and lists")
        void deletedIsGone() {
            UserAccount alice = savedAccount("alice");
            savedCredential("cred-1", alice, START);
            StoredCredential kept = savedCredential("cred-2", alice, START.plusSeconds(1));

            assertThat(repository().deleteCredential(bytes("cred-1"))).isTrue();

            assertThat(repository().findCredential(bytes("cred-1"))).isEmpty();
            assertThat(repository().listCredentials(alice.userHandle())).containsExactly(kept);
            assertThat(repository().setStatus(bytes("cred-1"), CredentialStatus.RETIRED))
                    .isFalse();
            assertThat(repository().recordUse(bytes("cred-1"), 1, false, START, ClientInfo.unknown()))
                    .isFalse();
        }

        @Test
        @DisplayName("deleting twice returns true, then false")
        void deleteTwice() {
            savedCredential("cred-1", savedAccount("alice"), START);

            assertThat(repository().deleteCredential(bytes("cred-1"))).isTrue();
            assertThat(repository().deleteCredential(bytes("cred-1"))).isFalse();
        }

        @Test
        @DisplayName("deleting an unknown credential returns false")
        void deleteUnknown() {
            assertThat(repository().deleteCredential(bytes("cred-x"))).isFalse();
        }

        @Test
        @DisplayName("the id of a deleted credential can be registered again")
        void deletedIdCanBeReused() {
            UserAccount alice = savedAccount("alice");
            savedCredential("cred-1", alice, START);
            repository().deleteCredential(bytes("cred-1"));
            StoredCredential again = fullCredential("cred-1", alice);

            repository().saveCredential(again);

            assertThat(repository().findCredential(bytes("cred-1"))).contains(again);
            assertThat(repository().listCredentials(alice.userHandle())).containsExactly(again);
        }
    }

    @Nested
    @DisplayName("concurrency")
    @Timeout(Concurrently.TIMEOUT_SECONDS * 2)
    class Concurrency {

        private static final int THREADS = 16;

        @Test
        @DisplayName(
                "of 16 threads registering the same credential id, exactly one succeeds and the others get DUPLICATE")
        void exactlyOneCredentialSave() {
            UserAccount alice = savedAccount("alice");

            List<String> outcomes = Concurrently.run(THREADS, t -> () -> {
                try {
                    repository().saveCredential(minimalCredential("cred-race", alice, START.plusSeconds(t)));
                    return "saved";
                } catch (StorageException e) {
                    return e.reason().name();
                }
            });

            assertThat(outcomes).containsOnlyOnce("saved");
            assertThat(outcomes).filteredOn(o -> !o.equals("saved")).containsOnly("DUPLICATE");
            int winner = outcomes.indexOf("saved");
            assertThat(repository().findCredential(bytes("cred-race")).map(StoredCredential::createdAt))
                    .contains(START.plusSeconds(winner));
            assertThat(repository().listCredentials(alice.userHandle())).hasSize(1);
        }

        @Test
        @DisplayName("of 16 accounts claiming the same identifier at once, exactly one gets it")
        void exactlyOneIdentifierOwner() {
            List<String> outcomes = Concurrently.run(THREADS, t -> () -> {
                try {
                    repository().saveUser(new UserAccount(handle("racer-" + t), "contested@example.com", "Racer " + t));
                    return "saved";
                } catch (StorageException e) {
                    return e.reason().name();
                }
            });

            assertThat(outcomes).containsOnlyOnce("saved");
            assertThat(outcomes).filteredOn(o -> !o.equals("saved")).containsOnly("DUPLICATE");
            int winner = outcomes.indexOf("saved");
            assertThat(repository()
                            .findUserByIdentifier("contested@example.com")
                            .map(UserAccount::userHandle))
                    .contains(handle("racer-" + winner));
            for (int t = 0; t < THREADS; t++) {
                Optional<UserAccount> racer = repository().findUserByHandle(handle("racer-" + t));
                if (t == winner) {
                    assertThat(racer).as("the winning account").isPresent();
                } else {
                    assertThat(racer)
                            .as("losing account %d (a rejected save changes nothing)", t)
                            .isEmpty();
                }
            }
        }

        @Test
        @DisplayName("uses and status changes of one credential from many threads all land")
        void concurrentWritesToOneCredential() {
            UserAccount alice = savedAccount("alice");
            savedCredential("cred-busy", alice, START);
            savedCredential("cred-quiet", alice, START.plusSeconds(1));

            List<Boolean> results = Concurrently.run(THREADS, t -> () -> {
                boolean ok = true;
                for (int i = 0; i < 20; i++) {
                    ok &= repository()
                            .recordUse(
                                    bytes("cred-busy"),
                                    t * 100L + i,
                                    i % 2 == 0,
                                    START.plusSeconds(t * 100L + i),
                                    new ClientInfo("device-" + t, null, null));
                    ok &= repository()
                            .setStatus(
                                    bytes("cred-busy"),
                                    i % 2 == 0 ? CredentialStatus.ACTIVE : CredentialStatus.SUSPECTED_BROKEN);
                }
                return ok;
            });

            assertThat(results).containsOnly(true);
            StoredCredential busy =
                    repository().findCredential(bytes("cred-busy")).orElseThrow();
            // Whichever use landed last, its fields belong together.
            long count = busy.signatureCount();
            assertThat(busy.lastUsedAt()).isEqualTo(START.plusSeconds(count));
            assertThat(busy.lastUsedOn()).isEqualTo(new ClientInfo("device-" + count / 100, null, null));
            assertThat(busy.backupState()).isEqualTo(count % 2 == 0);
            assertThat(repository().listCredentials(alice.userHandle()))
                    .extracting(StoredCredential::credentialId)
                    .containsExactly(bytes("cred-busy"), bytes("cred-quiet"));
        }
    }
}
