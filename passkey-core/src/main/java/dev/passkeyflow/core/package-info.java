/**
 * The login flow: {@link dev.passkeyflow.core.LoginFlow} and the values it exchanges with the host
 * application's HTTP handlers.
 *
 * <p>Every public method returns the next {@link dev.passkeyflow.core.LoginStep} to show the user
 * or throws a {@link dev.passkeyflow.core.LoginFlowException} with a machine-readable reason.
 * Nothing here returns {@code null} unless marked {@code @Nullable}.
 */
@NullMarked
package dev.passkeyflow.core;

import org.jspecify.annotations.NullMarked;
