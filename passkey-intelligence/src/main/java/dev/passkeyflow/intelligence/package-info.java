/**
 * Passkey Intelligence: an evidence-based {@link dev.passkeyflow.core.advisor.LoginAdvisor}
 * ({@link dev.passkeyflow.intelligence.PasskeyIntelligence}) configured by an
 * {@link dev.passkeyflow.intelligence.AutoHealingPolicy}, with provider knowledge by AAGUID
 * ({@link dev.passkeyflow.intelligence.PasskeyProviders}) and the client platform hint
 * ({@link dev.passkeyflow.intelligence.PlatformHints}).
 */
@NullMarked
package dev.passkeyflow.intelligence;

import org.jspecify.annotations.NullMarked;
