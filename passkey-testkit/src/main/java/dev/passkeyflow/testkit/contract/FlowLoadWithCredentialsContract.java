package dev.passkeyflow.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.ClientInfo;
import dev.passkeyflow.storage.CredentialRepository;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.FlowLoadWithCredentials;
import dev.passkeyflow.storage.FlowRecord;
import dev.passkeyflow.storage.FlowStateRepository;
import dev.passkeyflow.storage.FlowWithCredentials;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import dev.passkeyflow.testkit.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link FlowLoadWithCredentials} must meet, as an abstract JUnit 5 test class:
 * the read gives exactly what a flow load and a credential listing of the owning account would.
 *
 * <p>Extend it like {@link AtomicStepRepositoryContract}: the one hook returns empty stores, views
 * of one database, that judge flow expiry by the given clock.
 */
public abstract class FlowLoadWithCredentialsContract {

    /**
     * The capability under test and the views of the same database through which the kit sets up
     * state.
     */
    public record Stores(FlowLoadWithCredentials loader, FlowStateRepository flows, CredentialRepository credentials) {
        public Stores {
            Objects.requireNonNull(loader, "loader");
            Objects.requireNonNull(flows, "flows");
            Objects.requireNonNull(credentials, "credentials");
        }
    }

    private static final Instant START = MutableClock.DEFAULT_START;
    private static final Duration TTL = Duration.ofMinutes(5);
    private static final ClientInfo LAPTOP = new ClientInfo("device-laptop", "macOS", "Firefox");
    private static final UserAccount ALICE = new UserAccount(bytes("handle-alice"), "alice@example.com", "Alice");
    private static final UserAccount BOB = new UserAccount(bytes("handle-bob"), "bob@example.com", "Bob");

    private MutableClock clock;
    private Stores stores;
    private FlowRecord flow;
    private StoredCredential aliceOld;
    private StoredCredential aliceRetired;
    private StoredCredential aliceNew;
    private StoredCredential bobs;

    /**
     * Creates the stores under test, empty. Called before every test.
     *
     * @param clock the clock the tests control; flow expiry must be judged by it
     * @return the capability and the views of the same database
     */
    protected abstract Stores createStores(MutableClock clock);

    @BeforeEach
    final void createStoresUnderTest() {
        clock = new MutableClock(START);
        stores = createStores(clock);
        stores.credentials().saveUser(ALICE);
        stores.credentials().saveUser(BOB);
        aliceOld = credential("alice-old", ALICE, START, CredentialStatus.ACTIVE);
        aliceRetired = credential("alice-retired", ALICE, START.plusSeconds(1), CredentialStatus.RETIRED);
        aliceNew = credential("alice-new", ALICE, START.plusSeconds(2), CredentialStatus.ACTIVE);
        bobs = credential("bob", BOB, START, CredentialStatus.ACTIVE);
        // Saved out of creation order: the result must still be oldest first.
        for (StoredCredential credential : new StoredCredential[] {aliceNew, bobs, aliceOld, aliceRetired}) {
            stores.credentials().saveCredential(credential);
        }
        flow = new FlowRecord("flow-1", 0, START.plus(TTL), "{\"v\":0}");
        stores.flows().create(flow);
    }

    private static Bytes bytes(String text) {
        return Bytes.of(text.getBytes(StandardCharsets.UTF_8));
    }

    private static StoredCredential credential(
            String id, UserAccount owner, Instant createdAt, CredentialStatus status) {
        return new StoredCredential(
                bytes("cred-" + id),
                owner.userHandle(),
                bytes("key-" + id),
                3,
                Set.of("internal"),
                true,
                false,
                null,
                createdAt,
                null,
                LAPTOP,
                null,
                status,
                null);
    }

    private Optional<FlowWithCredentials> load(String flowId, StoredCredential named) {
        return stores.loader().loadWithOwnerCredentials(flowId, named.credentialId());
    }

    @Test
    @DisplayName("the flow comes with every credential of the named credential's owner, retired ones too, oldest first")
    void flowWithOwnerCredentials() {
        Optional<FlowWithCredentials> loaded = load("flow-1", aliceNew);

        assertThat(loaded).hasValueSatisfying(read -> {
            assertThat(read.flow()).isEqualTo(stores.flows().load("flow-1").orElseThrow());
            assertThat(read.ownerCredentials()).containsExactly(aliceOld, aliceRetired, aliceNew);
            assertThat(read.ownerCredentials()).isEqualTo(stores.credentials().listCredentials(ALICE.userHandle()));
        });
    }

    @Test
    @DisplayName("the owner is whoever owns the credential, not the flow's user: the caller has to compare")
    void ownerOfAnotherAccount() {
        assertThat(load("flow-1", bobs))
                .hasValueSatisfying(read -> assertThat(read.ownerCredentials()).containsExactly(bobs));
    }

    @Test
    @DisplayName("a credential id no account owns gives the flow with no credentials")
    void unknownCredential() {
        Optional<FlowWithCredentials> loaded = stores.loader().loadWithOwnerCredentials("flow-1", bytes("cred-nobody"));

        assertThat(loaded).hasValueSatisfying(read -> {
            assertThat(read.flow()).isEqualTo(flow);
            assertThat(read.ownerCredentials()).isEmpty();
        });
    }

    @Test
    @DisplayName("a missing flow gives nothing, even for a known credential")
    void missingFlow() {
        assertThat(load("flow-2", aliceOld)).isEmpty();
    }

    @Test
    @DisplayName("an expired flow gives nothing: from its expiry instant on, judged by the injected clock")
    void expiredFlow() {
        clock.set(START.plus(TTL).minusMillis(1));
        assertThat(load("flow-1", aliceOld)).isPresent();

        clock.set(START.plus(TTL));
        assertThat(load("flow-1", aliceOld)).isEmpty();
    }

    @Test
    @DisplayName("the flow's latest version is read")
    void latestVersion() {
        FlowRecord updated = flow.next(START.plus(TTL), "{\"v\":1}");
        assertThat(stores.flows().update(updated)).isTrue();

        assertThat(load("flow-1", aliceOld))
                .hasValueSatisfying(read -> assertThat(read.flow()).isEqualTo(updated));
    }

    @Test
    @DisplayName("null arguments are refused")
    @SuppressWarnings("NullAway") // passes null on purpose: the contract requires a NullPointerException
    void nulls() {
        Bytes id = aliceOld.credentialId();
        assertThatNullPointerException().isThrownBy(() -> stores.loader().loadWithOwnerCredentials(null, id));
        assertThatNullPointerException().isThrownBy(() -> stores.loader().loadWithOwnerCredentials("flow-1", null));
    }
}
