/**
 * Thread-safe, bounded, in-memory implementations of the storage SPI, for tests, demos and
 * single-node deployments that accept losing their state on restart.
 *
 * <p>{@link dev.passkeyflow.storage.memory.InMemoryCredentialRepository},
 * {@link dev.passkeyflow.storage.memory.InMemoryLoginAttemptRepository} and
 * {@link dev.passkeyflow.storage.memory.InMemoryFlowStateRepository} honour the SPI contracts
 * exactly; the contract kit in {@code passkey-testkit} runs against them.
 */
@NullMarked
package dev.passkeyflow.storage.memory;

import org.jspecify.annotations.NullMarked;
