package dev.passkeyflow.testkit.authenticator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.passkeyflow.storage.Bytes;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A WebAuthn platform authenticator and the browser in front of it, in software, for tests.
 *
 * <p>{@link #register(String)} takes the options a relying party hands to
 * {@code navigator.credentials.create()} and returns the JSON a browser's
 * {@code PublicKeyCredential.toJSON()} gives for the new credential; {@link #authenticate(String)}
 * does the same for {@code navigator.credentials.get()}. Keys, signatures and CBOR are real (JCA
 * only), so a relying party library such as Yubico's {@code RelyingParty} verifies the responses
 * as it verifies a browser's. All binary values in the JSON are unpadded base64url.
 *
 * <p>What it models:
 * <ul>
 *   <li>Credentials are bound to an RP ID and held until {@linkplain #lose lost}; they can be
 *       {@linkplain #copyTo copied} to another authenticator, as a synced passkey appears on the
 *       user's other devices.</li>
 *   <li>The client checks that the RP ID is the origin's host or a registrable suffix of it
 *       ({@code SecurityError} otherwise), honours {@code excludeCredentials}
 *       ({@code InvalidStateError}) and {@code allowCredentials} ({@code NotAllowedError} when
 *       nothing matches), and picks the first algorithm of {@code pubKeyCredParams} it supports
 *       ({@code NotSupportedError} when there is none).</li>
 *   <li>A new discoverable credential replaces a discoverable credential of the same RP ID and
 *       user handle, as CTAP2 authenticators do.</li>
 *   <li>User presence is always asserted. User verification is reported as configured,
 *       whatever the request's {@code userVerification} says: enforcing it is the relying
 *       party's job, and that is what tests of it need.</li>
 *   <li>The attestation conveyance preference is ignored: the response carries the configured
 *       {@link AttestationFormat}, as if the client passed it through unchanged.</li>
 * </ul>
 *
 * <p>Faults (a wrong origin, a corrupted signature, a missing UV flag, a counter going backwards)
 * can be set for every ceremony ({@link Builder#faults}) or for the next response only
 * ({@link #injectOnNextCall}).
 *
 * <p>Instances are thread-safe.
 *
 * <p>Longer than the project's 400 lines on purpose: this class and its {@link Builder} are the
 * testkit's public authenticator API, about a third of it javadoc; the byte and JSON encodings
 * live in {@link Cbor}, {@link CoseAlgorithm} and {@link CeremonyOptions}.
 */
public final class SoftwareAuthenticator {

    /** The AAGUID used unless another is set: all zero, "not disclosed". */
    public static final UUID DEFAULT_AAGUID = new UUID(0, 0);

    /** The algorithms supported unless others are set. */
    public static final List<CoseAlgorithm> DEFAULT_ALGORITHMS =
            List.of(CoseAlgorithm.ES256, CoseAlgorithm.EDDSA, CoseAlgorithm.RS256);

    /** The transports reported unless others are set. */
    public static final Set<String> DEFAULT_TRANSPORTS = Set.of("internal");

    /** The origin {@link Fault#WRONG_ORIGIN} puts in client data unless another is set. */
    public static final String DEFAULT_WRONG_ORIGIN = "https://phishing.invalid";

    /** The length of credential ids unless a generator is set. */
    public static final int DEFAULT_CREDENTIAL_ID_LENGTH = 16;

    private static final int FLAG_UP = 0x01;
    private static final int FLAG_UV = 0x04;
    private static final int FLAG_BE = 0x08;
    private static final int FLAG_BS = 0x10;
    private static final int FLAG_AT = 0x40;

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String ANDROID_APP_ORIGIN_PREFIX = "android:apk-key-hash:";

    private final String origin;
    /** The origin's host, or {@code null} for a native app origin (no host; the RP ID comes from the options). */
    private final @Nullable String originHost;

    private final ClientQuirks quirks;
    private final UUID aaguid;
    private final AttestationFormat attestation;
    private final boolean backupEligible;
    private final boolean backupState;
    private final boolean userVerification;
    private final SignatureCounter signatureCounter;
    private final List<CoseAlgorithm> algorithms;
    private final List<String> transports;
    private final boolean alwaysDiscoverable;
    private final Set<Fault> faults;
    private final String wrongOrigin;
    private final @Nullable Supplier<byte[]> credentialIdGenerator;
    private final SecureRandom random = new SecureRandom();

    private final Object lock = new Object();
    /** Guarded by {@link #lock}; in the order the credentials were added. */
    private final Map<Bytes, HeldCredential> credentials = new LinkedHashMap<>();
    /** Guarded by {@link #lock}. */
    private final Set<Fault> nextCallFaults = EnumSet.noneOf(Fault.class);

    private SoftwareAuthenticator(Builder builder, String origin) {
        this.origin = origin;
        this.originHost = origin.startsWith(ANDROID_APP_ORIGIN_PREFIX) ? null : hostOf(origin);
        this.quirks = builder.quirks;
        this.aaguid = builder.aaguid;
        this.attestation = builder.attestation;
        this.backupEligible = builder.backupEligible;
        this.backupState = builder.backupState;
        this.userVerification = builder.userVerification;
        this.signatureCounter = builder.signatureCounter;
        this.algorithms = List.copyOf(builder.algorithms);
        this.transports = List.copyOf(new TreeSet<>(builder.transports));
        this.alwaysDiscoverable = builder.alwaysDiscoverable;
        this.faults = Set.copyOf(builder.faults);
        this.wrongOrigin = builder.wrongOrigin;
        this.credentialIdGenerator = builder.credentialIdGenerator;
    }

    /** A builder with the defaults documented on each of its methods; only the origin is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * An authenticator with all defaults for {@code origin}.
     *
     * @param origin the web origin of the page, e.g. {@code "https://example.com"}
     * @throws IllegalArgumentException if {@code origin} is not an https origin (or http on
     *     localhost)
     */
    public static SoftwareAuthenticator forOrigin(String origin) {
        return builder().origin(origin).build();
    }

    /** The origin it puts in client data, e.g. {@code "https://example.com"}. */
    public String origin() {
        return origin;
    }

    /** The AAGUID it puts in new credentials' attested credential data. */
    public UUID aaguid() {
        return aaguid;
    }

    /**
     * Creates a credential, as {@code navigator.credentials.create()} does.
     *
     * <p>The new credential's key uses the first algorithm of {@code pubKeyCredParams} that this
     * authenticator {@linkplain Builder#algorithms supports}; its BE and BS flags are the
     * configured ones; it is discoverable if {@linkplain Builder#alwaysDiscoverable always} or if
     * a resident key was required or preferred. Faults set for the next call are consumed.
     *
     * @param creationOptionsJson what Yubico's
     *     {@code PublicKeyCredentialCreationOptions.toCredentialsCreateJson()} gives (an object
     *     with a {@code publicKey} member), or the bare options object, as its {@code toJson()}
     *     gives
     * @return the new credential as {@code PublicKeyCredential.toJSON()} gives it: {@code id},
     *     {@code rawId}, {@code type}, {@code response} ({@code clientDataJSON},
     *     {@code authenticatorData}, {@code transports}, {@code publicKey},
     *     {@code publicKeyAlgorithm}, {@code attestationObject}), {@code authenticatorAttachment}
     *     {@code "platform"} and {@code clientExtensionResults} (with {@code credProps} when that
     *     extension or a resident key was requested)
     * @throws AuthenticatorException {@code InvalidStateError} if {@code excludeCredentials}
     *     names a credential this authenticator holds for the RP ID; {@code NotSupportedError} if
     *     no requested algorithm is supported; {@code SecurityError} if the RP ID does not fit
     *     the origin
     * @throws IllegalArgumentException if the options are malformed
     */
    public String register(String creationOptionsJson) {
        return register(creationOptionsJson, true);
    }

    /**
     * Creates a credential without user presence (UP clear in the authenticator data), as a browser
     * does for {@code navigator.credentials.create({mediation: "conditional"})} when it creates the
     * passkey silently right after a password login, so UV is clear too (WebAuthn Level 3 "conditional create";
     * https://w3c.github.io/webauthn/#sctn-createCredential, the {@code conditional} mediation). The
     * relying party must accept UP=0 for that ceremony only. Otherwise as {@link #register(String)}.
     */
    public String registerWithoutUserPresence(String creationOptionsJson) {
        return register(creationOptionsJson, false);
    }

    private String register(String creationOptionsJson, boolean userPresent) {
        CeremonyOptions.Creation options = CeremonyOptions.parseCreation(JSON, creationOptionsJson);
        synchronized (lock) {
            Set<Fault> active = activeFaults();
            String rpId = resolveRpId(options.rpId(), active);
            CoseAlgorithm algorithm = chooseAlgorithm(options.algorithms());
            requireNoneHeld(options.excludeCredentials(), rpId);

            Bytes credentialId = newCredentialId();
            KeyPair keyPair = algorithm.generateKeyPair(random);
            Bytes publicKeyCose = Bytes.of(algorithm.coseKey(keyPair.getPublic()));
            boolean discoverable = alwaysDiscoverable || options.residentKeyRequested();
            long count =
                    signatureCounter instanceof SignatureCounter.Incrementing incrementing ? incrementing.start() : 0;
            // A silent (conditional) creation has neither user presence nor user verification.
            int flags = (userPresent ? FLAG_UP | userVerificationFlag(active) : 0)
                    | FLAG_AT
                    | (backupEligible ? FLAG_BE : 0)
                    | (backupState ? FLAG_BS : 0);

            byte[] authenticatorData = registrationAuthenticatorData(rpId, flags, count, credentialId, publicKeyCose);
            byte[] clientDataJson = clientDataJson("webauthn.create", options.challenge(), active);
            Map<String, Object> attestationObject =
                    attestationObject(algorithm, keyPair, authenticatorData, clientDataJson, active);

            HeldCredential created = new HeldCredential(
                    credentialId,
                    options.userHandle(),
                    rpId,
                    options.userName(),
                    algorithm,
                    keyPair,
                    publicKeyCose,
                    discoverable,
                    backupEligible,
                    backupState,
                    count);
            if (discoverable) {
                credentials
                        .values()
                        .removeIf(held -> held.discoverable()
                                && held.rpId().equals(rpId)
                                && held.userHandle().equals(options.userHandle()));
            }
            credentials.put(credentialId, created);
            nextCallFaults.clear();

            return registrationJson(
                    credentialId,
                    clientDataJson,
                    authenticatorData,
                    keyPair,
                    algorithm,
                    attestationObject,
                    options,
                    discoverable);
        }
    }

    /**
     * Refuses a creation when this authenticator holds one of the excluded credentials for the RP:
     * the browser's {@code InvalidStateError} (WebAuthn §6.3.2 step 3). Called with {@link #lock} held.
     */
    private void requireNoneHeld(List<Bytes> excludeCredentials, String rpId) {
        for (Bytes excluded : excludeCredentials) {
            HeldCredential held = credentials.get(excluded);
            if (held != null && held.rpId().equals(rpId)) {
                throw new AuthenticatorException(
                        AuthenticatorException.DomError.INVALID_STATE,
                        "the authenticator already holds excluded credential " + excluded);
            }
        }
    }

    /** Authenticator data with attested credential data (WebAuthn §6.1, §6.5.1). */
    private byte[] registrationAuthenticatorData(
            String rpId, int flags, long count, Bytes credentialId, Bytes publicKeyCose) {
        byte[] credentialIdBytes = credentialId.toByteArray();
        byte[] coseBytes = publicKeyCose.toByteArray();
        return ByteBuffer.allocate(37 + 16 + 2 + credentialIdBytes.length + coseBytes.length)
                .put(sha256(rpId.getBytes(StandardCharsets.UTF_8)))
                .put((byte) flags)
                .putInt((int) count)
                .putLong(aaguid.getMostSignificantBits())
                .putLong(aaguid.getLeastSignificantBits())
                .putShort((short) credentialIdBytes.length)
                .put(credentialIdBytes)
                .put(coseBytes)
                .array();
    }

    /** The attestation object: {@code none}, or {@code packed} self attestation signed with the new key. */
    private Map<String, Object> attestationObject(
            CoseAlgorithm algorithm,
            KeyPair keyPair,
            byte[] authenticatorData,
            byte[] clientDataJson,
            Set<Fault> active) {
        Map<String, Object> attestationStatement = new LinkedHashMap<>();
        if (attestation == AttestationFormat.PACKED) {
            byte[] signature = algorithm.sign(keyPair.getPrivate(), concat(authenticatorData, sha256(clientDataJson)));
            if (active.contains(Fault.CORRUPT_SIGNATURE)) {
                signature = corrupt(signature);
            }
            attestationStatement.put("alg", algorithm.coseIdentifier());
            attestationStatement.put("sig", signature);
        }
        Map<String, Object> attestationObject = new LinkedHashMap<>();
        attestationObject.put("fmt", attestation.identifier());
        attestationObject.put("attStmt", attestationStatement);
        attestationObject.put("authData", authenticatorData);
        return attestationObject;
    }

    /** The registration as {@code PublicKeyCredential.toJSON()} gives it, shaped by the client quirks. */
    private String registrationJson(
            Bytes credentialId,
            byte[] clientDataJson,
            byte[] authenticatorData,
            KeyPair keyPair,
            CoseAlgorithm algorithm,
            Map<String, Object> attestationObject,
            CeremonyOptions.Creation options,
            boolean discoverable) {
        ObjectNode credential = JSON.createObjectNode();
        credential.put("id", credentialId.toBase64Url());
        credential.put("rawId", credentialId.toBase64Url());
        ObjectNode response = credential.putObject("response");
        response.put("clientDataJSON", base64Url(clientDataJson));
        if (quirks.registrationExtras()) {
            response.put("authenticatorData", base64Url(authenticatorData));
        }
        (quirks.reportedTransports() != null ? quirks.reportedTransports() : transports)
                .forEach(response.putArray("transports")::add);
        if (quirks.registrationExtras()) {
            response.put("publicKey", base64Url(keyPair.getPublic().getEncoded()));
            response.put("publicKeyAlgorithm", algorithm.coseIdentifier());
        }
        response.put("attestationObject", base64Url(Cbor.encode(attestationObject)));
        if (quirks.authenticatorAttachment() != null) {
            credential.put("authenticatorAttachment", quirks.authenticatorAttachment());
        }
        if (quirks.registrationExtensionResults() != null) {
            credential.set("clientExtensionResults", readObject(quirks.registrationExtensionResults()));
        } else {
            ObjectNode extensionResults = credential.putObject("clientExtensionResults");
            if (options.credPropsRequested() || options.residentKeyRequested()) {
                extensionResults.putObject("credProps").put("rk", discoverable);
            }
        }
        credential.put("type", "public-key");
        return write(credential);
    }

    /**
     * Signs in with a credential, as {@code navigator.credentials.get()} does.
     *
     * <p>With a non-empty {@code allowCredentials}, the first listed credential this
     * authenticator holds for the RP ID is used; with an empty one, the discoverable credential
     * for the RP ID added last. Faults set for the next call are consumed.
     *
     * @param requestOptionsJson what Yubico's {@code AssertionRequest.toCredentialsGetJson()}
     *     gives (an object with a {@code publicKey} member), the bare options object, or
     *     {@code AssertionRequest.toJson()}
     * @return the assertion as {@code PublicKeyCredential.toJSON()} gives it: {@code id},
     *     {@code rawId}, {@code type}, {@code response} ({@code clientDataJSON},
     *     {@code authenticatorData}, {@code signature}, and {@code userHandle} for discoverable
     *     credentials), {@code authenticatorAttachment} {@code "platform"} and empty
     *     {@code clientExtensionResults}
     * @throws AuthenticatorException {@code NotAllowedError} if no credential it holds is
     *     usable; {@code SecurityError} if the RP ID does not fit the origin
     * @throws IllegalArgumentException if the options are malformed
     * @throws IllegalStateException if {@link Fault#COUNTER_BACKWARDS} applies to a credential
     *     whose counter is 0, or an incrementing counter would pass its 32-bit maximum
     */
    public String authenticate(String requestOptionsJson) {
        return assertWith(requestOptionsJson, null);
    }

    /**
     * Signs in with the credential the user picks, as {@code navigator.credentials.get()} does
     * when the user chooses one account among several; otherwise as {@link #authenticate(String)}.
     *
     * @param requestOptionsJson as for {@link #authenticate(String)}
     * @param credentialId the credential to use, unpadded base64url
     * @return as for {@link #authenticate(String)}
     * @throws AuthenticatorException {@code NotAllowedError} if that credential is not held for
     *     the RP ID, or the request does not allow it (not listed in a non-empty
     *     {@code allowCredentials}, or not discoverable when the list is empty)
     */
    public String authenticate(String requestOptionsJson, String credentialId) {
        Objects.requireNonNull(credentialId, "credentialId");
        return assertWith(requestOptionsJson, parseCredentialId(credentialId));
    }

    private String assertWith(String requestOptionsJson, @Nullable Bytes pickedCredentialId) {
        CeremonyOptions.Request options = CeremonyOptions.parseRequest(JSON, requestOptionsJson);
        synchronized (lock) {
            Set<Fault> active = activeFaults();
            String rpId = resolveRpId(options.rpId(), active);
            HeldCredential held = chooseCredential(rpId, options.allowCredentials(), pickedCredentialId);

            boolean backwards = active.contains(Fault.COUNTER_BACKWARDS);
            long count;
            if (backwards) {
                if (held.signatureCount() == 0) {
                    throw new IllegalStateException("the signature counter of credential " + held.credentialId()
                            + " is 0 and cannot go backwards");
                }
                count = held.signatureCount() - 1;
            } else {
                count = nextCount(held);
            }
            ClientQuirks.BackupFlags backup = quirks.assertionBackupFlags() != null
                    ? quirks.assertionBackupFlags()
                    : new ClientQuirks.BackupFlags(held.backupEligible(), held.backupState());
            int flags = FLAG_UP
                    | userVerificationFlag(active)
                    | (backup.backupEligible() ? FLAG_BE : 0)
                    | (backup.backupState() ? FLAG_BS : 0);
            byte[] authenticatorData = ByteBuffer.allocate(37)
                    .put(sha256(rpId.getBytes(StandardCharsets.UTF_8)))
                    .put((byte) flags)
                    .putInt((int) count)
                    .array();
            byte[] clientDataJson = clientDataJson("webauthn.get", options.challenge(), active);
            byte[] signature = held.algorithm()
                    .sign(held.keyPair().getPrivate(), concat(authenticatorData, sha256(clientDataJson)));
            if (active.contains(Fault.CORRUPT_SIGNATURE)) {
                signature = corrupt(signature);
            }
            if (!backwards) {
                credentials.put(held.credentialId(), held.withSignatureCount(count));
            }
            nextCallFaults.clear();

            return assertionJson(held, clientDataJson, authenticatorData, signature);
        }
    }

    /** The assertion as {@code PublicKeyCredential.toJSON()} gives it, shaped by the client quirks. */
    private String assertionJson(
            HeldCredential held, byte[] clientDataJson, byte[] authenticatorData, byte[] signature) {
        ObjectNode credential = JSON.createObjectNode();
        credential.put("id", held.credentialId().toBase64Url());
        credential.put("rawId", held.credentialId().toBase64Url());
        ObjectNode response = credential.putObject("response");
        response.put("clientDataJSON", base64Url(clientDataJson));
        response.put("authenticatorData", base64Url(authenticatorData));
        response.put("signature", base64Url(signature));
        if (held.discoverable()) {
            switch (quirks.userHandle()) {
                case AS_IS -> response.put("userHandle", held.userHandle().toBase64Url());
                case EMPTY_STRING -> response.put("userHandle", "");
                case JSON_NULL -> response.putNull("userHandle");
                case OMITTED -> {}
            }
        }
        if (quirks.authenticatorAttachment() != null) {
            credential.put("authenticatorAttachment", quirks.authenticatorAttachment());
        }
        credential.set("clientExtensionResults", readObject(quirks.assertionExtensionResults()));
        credential.put("type", "public-key");
        return write(credential);
    }

    /**
     * Applies {@code faults} to the next {@link #register} or {@link #authenticate} call that
     * produces a response, in addition to the {@linkplain Builder#faults faults set for every
     * call}; calling this again before then adds to them. A call that throws does not consume
     * them.
     *
     * @param faults the faults for the next response
     */
    public void injectOnNextCall(Fault... faults) {
        List<Fault> list = List.of(faults);
        synchronized (lock) {
            nextCallFaults.addAll(list);
        }
    }

    /** Snapshots of the credentials it holds, in the order they were added. */
    public List<AuthenticatorCredential> credentials() {
        synchronized (lock) {
            return credentials.values().stream().map(HeldCredential::snapshot).toList();
        }
    }

    /**
     * A snapshot of one credential it holds.
     *
     * @param credentialId unpadded base64url
     */
    public Optional<AuthenticatorCredential> credential(String credentialId) {
        Bytes id = parseCredentialId(credentialId);
        synchronized (lock) {
            return Optional.ofNullable(credentials.get(id)).map(HeldCredential::snapshot);
        }
    }

    /**
     * Forgets a credential, as when the user deletes a passkey on the device; the relying party
     * still has it on file.
     *
     * @param credentialId unpadded base64url
     * @return whether it held that credential
     */
    public boolean lose(String credentialId) {
        Bytes id = parseCredentialId(credentialId);
        synchronized (lock) {
            return credentials.remove(id) != null;
        }
    }

    /**
     * Forgets every credential, as when the device is reset or replaced.
     *
     * @return how many it held
     */
    public int loseAll() {
        synchronized (lock) {
            int count = credentials.size();
            credentials.clear();
            return count;
        }
    }

    /**
     * Copies a credential to {@code other}, as when a synced passkey shows up on the user's other
     * device: the copy has the same credential id, user handle, RP ID, key pair, discoverability
     * and BE/BS flags, replacing any credential of that id {@code other} holds.
     *
     * <p>The copy starts at the signature counter value the credential reported last and counts
     * independently from then on, in {@code other}'s {@linkplain Builder#signatureCounter counter
     * mode}. So two incrementing copies used in turn soon report a value the relying party has
     * seen, which is what a cloned security key looks like; to model synced passkeys, give both
     * authenticators {@link SignatureCounter#alwaysZero()} (as {@link Builder#syncedPasskey()}
     * does), which is what synced passkey providers report.
     *
     * @param other the receiving authenticator, not this one
     * @param credentialId unpadded base64url
     * @throws IllegalArgumentException if this authenticator does not hold that credential, or
     *     {@code other} is this authenticator
     */
    public void copyTo(SoftwareAuthenticator other, String credentialId) {
        requireOther(other);
        Bytes id = parseCredentialId(credentialId);
        HeldCredential held;
        synchronized (lock) {
            held = credentials.get(id);
        }
        if (held == null) {
            throw new IllegalArgumentException("no credential " + credentialId + " on this authenticator");
        }
        other.receive(List.of(held));
    }

    /**
     * Copies every credential to {@code other}, each as {@link #copyTo} does.
     *
     * @param other the receiving authenticator, not this one
     * @return how many were copied
     * @throws IllegalArgumentException if {@code other} is this authenticator
     */
    public int copyAllTo(SoftwareAuthenticator other) {
        requireOther(other);
        List<HeldCredential> all;
        synchronized (lock) {
            all = List.copyOf(credentials.values());
        }
        other.receive(all);
        return all.size();
    }

    /**
     * Changes the BE and BS flags one credential reports from now on, e.g. to model a provider
     * that starts syncing a passkey (BS false to true) or one that flips BE.
     *
     * @param credentialId unpadded base64url
     * @param backupEligible the new BE flag
     * @param backupState the new BS flag
     * @throws IllegalArgumentException if it does not hold that credential, or
     *     {@code backupState} is set without {@code backupEligible}
     */
    public void setBackupFlags(String credentialId, boolean backupEligible, boolean backupState) {
        requireBackupFlagsConsistent(backupEligible, backupState);
        Bytes id = parseCredentialId(credentialId);
        synchronized (lock) {
            credentials.put(id, require(id).withBackupFlags(backupEligible, backupState));
        }
    }

    /**
     * Sets the signature counter value one credential reported last; the next assertion counts
     * on from it.
     *
     * @param credentialId unpadded base64url
     * @param signatureCount an unsigned 32-bit value
     * @throws IllegalArgumentException if it does not hold that credential, or the value is out of
     *     range
     */
    public void setSignatureCount(String credentialId, long signatureCount) {
        if (signatureCount < 0 || signatureCount > SignatureCounter.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "signatureCount must be an unsigned 32-bit value, was " + signatureCount);
        }
        Bytes id = parseCredentialId(credentialId);
        synchronized (lock) {
            credentials.put(id, require(id).withSignatureCount(signatureCount));
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "SoftwareAuthenticator[origin=" + origin + ", attestation=" + attestation + ", credentials="
                    + credentials.size() + "]";
        }
    }

    private void receive(List<HeldCredential> copies) {
        synchronized (lock) {
            for (HeldCredential copy : copies) {
                credentials.put(copy.credentialId(), copy);
            }
        }
    }

    private void requireOther(SoftwareAuthenticator other) {
        Objects.requireNonNull(other, "other");
        if (other == this) {
            throw new IllegalArgumentException("cannot copy credentials to the same authenticator");
        }
    }

    private HeldCredential require(Bytes id) {
        HeldCredential held = credentials.get(id);
        if (held == null) {
            throw new IllegalArgumentException("no credential " + id + " on this authenticator");
        }
        return held;
    }

    private Set<Fault> activeFaults() {
        Set<Fault> active = EnumSet.noneOf(Fault.class);
        active.addAll(faults);
        active.addAll(nextCallFaults);
        return active;
    }

    private String resolveRpId(@Nullable String requested, Set<Fault> active) {
        if (originHost == null) {
            // A native app: the platform checks the app against the RP domain's asset links instead.
            if (requested == null) {
                throw new IllegalArgumentException("options of a native app ceremony must name the RP ID");
            }
            return requested.toLowerCase(Locale.ROOT);
        }
        String rpId = requested == null ? originHost : requested.toLowerCase(Locale.ROOT);
        boolean fits = originHost.equals(rpId) || originHost.endsWith("." + rpId);
        if (!fits && !active.contains(Fault.WRONG_ORIGIN)) {
            throw new AuthenticatorException(
                    AuthenticatorException.DomError.SECURITY,
                    "RP ID " + rpId + " is not a registrable suffix of origin " + origin);
        }
        return rpId;
    }

    private CoseAlgorithm chooseAlgorithm(List<Long> requested) {
        for (long identifier : requested) {
            Optional<CoseAlgorithm> algorithm = CoseAlgorithm.fromCoseIdentifier(identifier);
            if (algorithm.isPresent() && algorithms.contains(algorithm.get())) {
                return algorithm.get();
            }
        }
        throw new AuthenticatorException(
                AuthenticatorException.DomError.NOT_SUPPORTED,
                "none of the requested algorithms " + requested + " is supported; supported: " + algorithms);
    }

    private HeldCredential chooseCredential(String rpId, List<Bytes> allowed, @Nullable Bytes picked) {
        List<HeldCredential> candidates = new ArrayList<>();
        if (allowed.isEmpty()) {
            for (HeldCredential held : credentials.values()) {
                if (held.discoverable() && held.rpId().equals(rpId)) {
                    candidates.add(0, held); // added last comes first
                }
            }
        } else {
            for (Bytes id : allowed) {
                HeldCredential held = credentials.get(id);
                if (held != null && held.rpId().equals(rpId)) {
                    candidates.add(held);
                }
            }
        }
        if (picked != null) {
            candidates.removeIf(held -> !held.credentialId().equals(picked));
        }
        if (candidates.isEmpty()) {
            throw new AuthenticatorException(
                    AuthenticatorException.DomError.NOT_ALLOWED,
                    picked != null
                            ? "credential " + picked + " is not available for this request"
                            : allowed.isEmpty()
                                    ? "no discoverable credential for RP ID " + rpId
                                    : "none of the allowed credentials is on this authenticator");
        }
        return candidates.get(0);
    }

    private long nextCount(HeldCredential held) {
        if (signatureCounter instanceof SignatureCounter.AlwaysZero) {
            return 0;
        }
        if (held.signatureCount() >= SignatureCounter.MAX_VALUE) {
            throw new IllegalStateException(
                    "the signature counter of credential " + held.credentialId() + " is at its maximum");
        }
        return held.signatureCount() + 1;
    }

    private int userVerificationFlag(Set<Fault> active) {
        return userVerification && !active.contains(Fault.NO_USER_VERIFICATION) ? FLAG_UV : 0;
    }

    private byte[] clientDataJson(String type, String challenge, Set<Fault> active) {
        ObjectNode clientData = JSON.createObjectNode();
        clientData.put("type", type);
        clientData.put("challenge", challenge);
        clientData.put("origin", active.contains(Fault.WRONG_ORIGIN) ? wrongOrigin : origin);
        if (quirks.topOrigin() != null) {
            clientData.put("crossOrigin", true);
            clientData.put("topOrigin", quirks.topOrigin());
        } else if (!quirks.crossOriginOmitted()) {
            clientData.put("crossOrigin", false);
        }
        if (quirks.extraClientDataMember()) {
            clientData.put(
                    "other_keys_can_be_added_here",
                    "do not compare clientDataJSON against a template. See https://goo.gl/yabPex");
        }
        return write(clientData).getBytes(StandardCharsets.UTF_8);
    }

    private Bytes newCredentialId() {
        byte[] id;
        if (credentialIdGenerator == null) {
            id = new byte[DEFAULT_CREDENTIAL_ID_LENGTH];
            random.nextBytes(id);
        } else {
            id = Objects.requireNonNull(credentialIdGenerator.get(), "credential id generator returned null");
            if (id.length < 16 || id.length > 1023) {
                throw new IllegalStateException(
                        "credential id generator returned " + id.length + " bytes; 16 to 1023 are allowed");
            }
        }
        Bytes credentialId = Bytes.of(id);
        if (credentials.containsKey(credentialId)) {
            throw new IllegalStateException("credential id " + credentialId + " is already in use");
        }
        return credentialId;
    }

    private static Bytes parseCredentialId(String credentialId) {
        Objects.requireNonNull(credentialId, "credentialId");
        try {
            return Bytes.fromBase64Url(credentialId);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("credentialId is not base64url: " + credentialId, e);
        }
    }

    private static byte[] corrupt(byte[] signature) {
        byte[] corrupted = signature.clone();
        corrupted[corrupted.length - 1] ^= 0x01;
        return corrupted;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
    }

    private static String base64Url(byte[] bytes) {
        return Bytes.of(bytes).toBase64Url();
    }

    private static ObjectNode readObject(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node instanceof ObjectNode object) {
                return object;
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("extension results are not JSON: " + json, e);
        }
        throw new IllegalStateException("extension results must be a JSON object: " + json);
    }

    private static String write(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static void requireBackupFlagsConsistent(boolean backupEligible, boolean backupState) {
        if (backupState && !backupEligible) {
            throw new IllegalArgumentException("backupState (BS) true requires backupEligible (BE) true");
        }
    }

    /** The host of a validated origin, lower case. */
    private static String hostOf(String origin) {
        return Objects.requireNonNull(URI.create(origin).getHost()).toLowerCase(Locale.ROOT);
    }

    /**
     * Validates a web origin: {@code https://host[:port]}, or {@code http://} on localhost.
     *
     * @return the origin as given
     */
    private static String requireOrigin(String origin, String what) {
        Objects.requireNonNull(origin, what);
        URI uri;
        try {
            uri = new URI(origin);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(what + " is not a URI: " + origin, e);
        }
        String host = uri.getHost();
        boolean secure =
                "https".equals(uri.getScheme()) || ("http".equals(uri.getScheme()) && "localhost".equals(host));
        boolean bare = (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                && uri.getRawQuery() == null
                && uri.getRawFragment() == null
                && uri.getRawUserInfo() == null;
        if (host == null || !secure || !bare) {
            throw new IllegalArgumentException(
                    what + " must be an origin like https://example.com (http only on localhost), was " + origin);
        }
        return origin;
    }

    /**
     * Options for a {@link SoftwareAuthenticator}. Each setter validates its argument and names
     * a bad value in its message; {@link #build()} rejects conflicting options. Setting an option
     * again replaces the earlier value.
     */
    public static final class Builder {

        private @Nullable String origin;
        private UUID aaguid = DEFAULT_AAGUID;
        private AttestationFormat attestation = AttestationFormat.NONE;
        private boolean backupEligible;
        private boolean backupState;
        private boolean userVerification = true;
        private SignatureCounter signatureCounter = SignatureCounter.incrementingFrom(0);
        private List<CoseAlgorithm> algorithms = DEFAULT_ALGORITHMS;
        private Set<String> transports = DEFAULT_TRANSPORTS;
        private boolean alwaysDiscoverable = true;
        private Set<Fault> faults = Set.of();
        private String wrongOrigin = DEFAULT_WRONG_ORIGIN;
        private @Nullable Supplier<byte[]> credentialIdGenerator;
        private ClientQuirks quirks = ClientQuirks.NONE;

        private Builder() {}

        /**
         * Makes it a platform authenticator used by a native Android app through Credential
         * Manager: client data names {@code origin}, the RP ID comes from the options, and the
         * RP ID / origin check of a browser is skipped (Android checks the app against the RP
         * domain's asset links instead). Replaces {@link #origin}.
         *
         * @param origin {@code android:apk-key-hash:} and the unpadded base64url SHA-256 of the
         *     app's signing certificate
         * @throws IllegalArgumentException if it does not start with {@code android:apk-key-hash:}
         */
        public Builder androidAppOrigin(String origin) {
            Objects.requireNonNull(origin, "origin");
            if (!origin.startsWith(ANDROID_APP_ORIGIN_PREFIX)
                    || origin.length() == ANDROID_APP_ORIGIN_PREFIX.length()) {
                throw new IllegalArgumentException("an Android app origin starts with " + ANDROID_APP_ORIGIN_PREFIX
                        + " and a hash, was " + origin);
            }
            this.origin = origin;
            return this;
        }

        /**
         * How its responses deviate from Chrome's on a top-level page. Default
         * {@link ClientQuirks#NONE}. See {@link ClientProfile} for known clients.
         */
        public Builder quirks(ClientQuirks quirks) {
            this.quirks = Objects.requireNonNull(quirks, "quirks");
            return this;
        }

        /**
         * The origin of the page the ceremonies run on, put in client data and checked against
         * the RP ID. Required.
         *
         * @param origin {@code https://host[:port]}, or {@code http://localhost[:port]}
         */
        public Builder origin(String origin) {
            this.origin = requireOrigin(origin, "origin");
            return this;
        }

        /** The AAGUID of new credentials. Default {@link #DEFAULT_AAGUID}, all zero. */
        public Builder aaguid(UUID aaguid) {
            this.aaguid = Objects.requireNonNull(aaguid, "aaguid");
            return this;
        }

        /**
         * The AAGUID of new credentials, as 16 bytes. Default all zero.
         *
         * @throws IllegalArgumentException if it is not 16 bytes long
         */
        public Builder aaguid(byte[] aaguid) {
            Objects.requireNonNull(aaguid, "aaguid");
            if (aaguid.length != 16) {
                throw new IllegalArgumentException("aaguid must be 16 bytes, was " + aaguid.length);
            }
            ByteBuffer buffer = ByteBuffer.wrap(aaguid);
            this.aaguid = new UUID(buffer.getLong(), buffer.getLong());
            return this;
        }

        /** The attestation of new credentials. Default {@link AttestationFormat#NONE}. */
        public Builder attestation(AttestationFormat attestation) {
            this.attestation = Objects.requireNonNull(attestation, "attestation");
            return this;
        }

        /**
         * The BE flag (backup eligible) of new credentials. Default false. Change it for one
         * credential with {@link SoftwareAuthenticator#setBackupFlags}.
         */
        public Builder backupEligible(boolean backupEligible) {
            this.backupEligible = backupEligible;
            return this;
        }

        /**
         * The BS flag (backed up) of new credentials; needs {@link #backupEligible(boolean)}.
         * Default false.
         */
        public Builder backupState(boolean backupState) {
            this.backupState = backupState;
            return this;
        }

        /**
         * Whether the UV flag (user verified) is set in every response. Default true.
         * {@link Fault#NO_USER_VERIFICATION} clears it for chosen responses.
         */
        public Builder userVerification(boolean userVerification) {
            this.userVerification = userVerification;
            return this;
        }

        /** How signature counters behave. Default {@link SignatureCounter#incrementingFrom incrementing from 0}. */
        public Builder signatureCounter(SignatureCounter signatureCounter) {
            this.signatureCounter = Objects.requireNonNull(signatureCounter, "signatureCounter");
            return this;
        }

        /**
         * The algorithms it supports. Registration uses the first entry of the relying party's
         * {@code pubKeyCredParams} that is among them, as CTAP2 authenticators do, so restrict
         * this to force one. Default {@link #DEFAULT_ALGORITHMS}: ES256, EdDSA, RS256.
         *
         * @throws IllegalArgumentException if none are given or one is repeated
         */
        public Builder algorithms(CoseAlgorithm... algorithms) {
            List<CoseAlgorithm> list = List.of(algorithms);
            if (list.isEmpty()) {
                throw new IllegalArgumentException("algorithms must not be empty");
            }
            if (new LinkedHashSet<>(list).size() != list.size()) {
                throw new IllegalArgumentException("algorithms must not repeat, were " + list);
            }
            this.algorithms = list;
            return this;
        }

        /**
         * The transports reported at registration, e.g. {@code "internal"}, {@code "hybrid"}.
         * Default {@link #DEFAULT_TRANSPORTS}.
         *
         * @throws IllegalArgumentException if one is empty
         */
        public Builder transports(String... transports) {
            Set<String> set = new TreeSet<>();
            for (String transport : transports) {
                if (Objects.requireNonNull(transport, "transport").isEmpty()) {
                    throw new IllegalArgumentException("transports must not contain an empty string");
                }
                set.add(transport);
            }
            this.transports = Set.copyOf(set);
            return this;
        }

        /**
         * Whether every new credential is discoverable, as with passkey providers; when false,
         * only those created with a resident key required or preferred are. Default true.
         */
        public Builder alwaysDiscoverable(boolean alwaysDiscoverable) {
            this.alwaysDiscoverable = alwaysDiscoverable;
            return this;
        }

        /**
         * Faults applied to every response. Default none. For the next response only, use
         * {@link SoftwareAuthenticator#injectOnNextCall}.
         */
        public Builder faults(Fault... faults) {
            Set<Fault> set = EnumSet.noneOf(Fault.class);
            for (Fault fault : faults) {
                set.add(Objects.requireNonNull(fault, "fault"));
            }
            this.faults = set;
            return this;
        }

        /**
         * The origin {@link Fault#WRONG_ORIGIN} puts in client data. Default
         * {@link #DEFAULT_WRONG_ORIGIN}.
         */
        public Builder wrongOrigin(String wrongOrigin) {
            this.wrongOrigin = requireOrigin(wrongOrigin, "wrongOrigin");
            return this;
        }

        /**
         * Where new credential ids come from; each must be 16 to 1023 bytes long and not in use on
         * this authenticator. Default {@value #DEFAULT_CREDENTIAL_ID_LENGTH} random bytes from a
         * {@link SecureRandom}.
         */
        public Builder credentialIdGenerator(Supplier<byte[]> credentialIdGenerator) {
            this.credentialIdGenerator = Objects.requireNonNull(credentialIdGenerator, "credentialIdGenerator");
            return this;
        }

        /**
         * Sets what a synced passkey provider reports: BE and BS true,
         * {@linkplain SignatureCounter#alwaysZero() counter always 0}, transports
         * {@code hybrid} and {@code internal}. Later setters can change each of these.
         */
        public Builder syncedPasskey() {
            this.backupEligible = true;
            this.backupState = true;
            this.signatureCounter = SignatureCounter.alwaysZero();
            this.transports = Set.of("hybrid", "internal");
            return this;
        }

        /**
         * The authenticator, holding no credentials.
         *
         * @throws IllegalStateException if no origin is set, BS is set without BE, or the wrong
         *     origin equals the origin
         */
        public SoftwareAuthenticator build() {
            if (origin == null) {
                throw new IllegalStateException("origin is required");
            }
            if (backupState && !backupEligible) {
                throw new IllegalStateException("backupState (BS) true requires backupEligible (BE) true");
            }
            if (wrongOrigin.equals(origin)) {
                throw new IllegalStateException("wrongOrigin must differ from origin " + origin);
            }
            return new SoftwareAuthenticator(this, origin);
        }
    }
}
