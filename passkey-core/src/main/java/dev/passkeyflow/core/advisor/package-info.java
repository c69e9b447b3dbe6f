/**
 * The decision port of the login flow: {@link dev.passkeyflow.core.advisor.LoginAdvisor} decides
 * whether to start a passkey login, whether to retry or fall back after a failure, and whether to
 * offer a new passkey after the fallback. {@link dev.passkeyflow.core.advisor.ThresholdLoginAdvisor}
 * is the simple default; the passkey-intelligence module provides an evidence-based one.
 */
@NullMarked
package dev.passkeyflow.core.advisor;

import org.jspecify.annotations.NullMarked;
