/**
 * The storage SPI of passkeyflow: what the library needs to persist, expressed as plain Java
 * records and three small interfaces, with no WebAuthn library types.
 *
 * <p>Implementations must be thread-safe. No method returns {@code null}; absence is an empty
 * {@link java.util.Optional}, an empty list or {@code false}, as each method documents. No method
 * accepts {@code null} arguments unless documented; implementations reject them with a
 * {@link java.lang.NullPointerException} and change nothing. Failures
 * are reported as {@link dev.passkeyflow.storage.StorageException} with a machine-readable
 * {@link dev.passkeyflow.storage.StorageException.Reason}.
 */
@NullMarked
package dev.passkeyflow.storage;

import org.jspecify.annotations.NullMarked;
