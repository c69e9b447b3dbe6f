/**
 * Passkey management for a signed-in user: {@link dev.passkeyflow.core.manage.PasskeyManager}
 * lists the account's passkeys with their provider, dates, status and evidence, renames, deletes or
 * retires them (with the Signal API calls the page should make), and adds one through
 * {@link dev.passkeyflow.core.LoginFlow#enrol}. Every call works on the same storage as the login
 * flow and publishes a {@link dev.passkeyflow.core.manage.PasskeyManagementEvent}.
 */
@NullMarked
package dev.passkeyflow.core.manage;

import org.jspecify.annotations.NullMarked;
