package dev.passkeyflow.core.testsupport;

import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.ClientInfo;
import dev.passkeyflow.storage.CredentialStatus;
import dev.passkeyflow.storage.StoredCredential;
import dev.passkeyflow.storage.UserAccount;
import java.time.Instant;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Accounts and credentials for tests that never run a real authenticator. */
public final class TestData {

    /** A fixed instant far from the system time, so that a stray system-clock reading shows. */
    public static final Instant T0 = Instant.parse("2031-05-04T10:15:30Z");

    /**
     * Not a usable COSE key (a map header and a few bytes): starting a passkey login only needs the
     * credential ids, and these tests never finish one successfully.
     */
    public static final Bytes DUMMY_COSE_KEY = Bytes.of(new byte[] {(byte) 0xA5, 0x01, 0x02, 0x03, 0x26});

    private TestData() {}

    /** {@code length} deterministic bytes derived from {@code seed}. */
    public static Bytes bytes(int length, int seed) {
        byte[] value = new byte[length];
        for (int i = 0; i < length; i++) {
            value[i] = (byte) (seed * 31 + i * 7 + 1);
        }
        return Bytes.of(value);
    }

    public static UserAccount user(String identifier, int seed) {
        return new UserAccount(bytes(16, seed), identifier, "User " + seed);
    }

    public static StoredCredential credential(Bytes userHandle, int seed) {
        return credential(userHandle, seed, CredentialStatus.ACTIVE, ClientInfo.unknown(), null);
    }

    public static StoredCredential credential(
            Bytes userHandle,
            int seed,
            CredentialStatus status,
            ClientInfo createdOn,
            @Nullable ClientInfo lastUsedOn) {
        return new StoredCredential(
                bytes(32, 1000 + seed),
                userHandle,
                DUMMY_COSE_KEY,
                0,
                Set.of("internal", "hybrid"),
                true,
                true,
                null,
                T0.minusSeconds(86_400L * seed),
                lastUsedOn == null ? null : T0.minusSeconds(3_600),
                createdOn,
                lastUsedOn,
                status,
                null);
    }
}
