/**
 * Test helpers shared by the contract kits and by implementers' own tests, such as
 * {@link dev.passkeyflow.testkit.MutableClock}, a clock that tests move by hand.
 */
@NullMarked
package dev.passkeyflow.testkit;

import org.jspecify.annotations.NullMarked;
