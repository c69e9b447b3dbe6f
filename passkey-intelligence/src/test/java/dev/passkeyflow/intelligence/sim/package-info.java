/**
 * A deterministic, seeded scenario simulator that replays users and devices through a real
 * {@link dev.passkeyflow.core.LoginFlow} with software authenticators and in-memory storage, and
 * compares advisors. Run it with {@code scripts/simulate}.
 */
@NullMarked
package dev.passkeyflow.intelligence.sim;

import org.jspecify.annotations.NullMarked;
