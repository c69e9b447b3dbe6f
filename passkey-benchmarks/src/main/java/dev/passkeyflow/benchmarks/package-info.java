/** JMH benchmarks of the login flow against raw Yubico and the cryptographic floor. */
@NullMarked
package dev.passkeyflow.benchmarks;

import org.jspecify.annotations.NullMarked;
