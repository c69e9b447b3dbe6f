/**
 * Contract kits for implementers of the storage SPI: abstract JUnit 5 classes, one per repository
 * interface of {@code dev.passkeyflow.storage}, each with one factory method to implement.
 *
 * <p>Subclass a kit in your own test sources and return a fresh, empty repository from the
 * factory; the kit then runs every behaviour the flow relies on (round trips, absence, defensive
 * copies, expiry through a {@link dev.passkeyflow.testkit.MutableClock}, and concurrency).
 */
@NullMarked
package dev.passkeyflow.testkit.contract;

import org.jspecify.annotations.NullMarked;
