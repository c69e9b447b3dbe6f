/**
 * A software WebAuthn authenticator for tests, built on the JCA alone (no BouncyCastle): it
 * answers the JSON a relying party sends to {@code navigator.credentials.create()} and
 * {@code navigator.credentials.get()} with the JSON a browser's
 * {@code PublicKeyCredential.toJSON()} gives, carrying real keys, real signatures and real CBOR,
 * so that a server-side WebAuthn library verifies them exactly as it verifies a browser's.
 *
 * <p>Start at {@link dev.passkeyflow.testkit.authenticator.SoftwareAuthenticator#builder()}.
 * Credential ids and user handles are unpadded base64url strings throughout, as in the JSON.
 * Failures a browser reports as a {@code DOMException} are thrown as
 * {@link dev.passkeyflow.testkit.authenticator.AuthenticatorException}; malformed input is an
 * {@link java.lang.IllegalArgumentException}.
 */
@NullMarked
package dev.passkeyflow.testkit.authenticator;

import org.jspecify.annotations.NullMarked;
