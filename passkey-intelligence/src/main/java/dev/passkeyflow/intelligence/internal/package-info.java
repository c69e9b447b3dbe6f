/** Implementation details of passkey-intelligence; not an API, may change in any release. */
@NullMarked
package dev.passkeyflow.intelligence.internal;

import org.jspecify.annotations.NullMarked;
