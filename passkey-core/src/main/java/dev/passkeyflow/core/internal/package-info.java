/** Implementation of the login flow. Not API: anything here may change without notice. */
@NullMarked
package dev.passkeyflow.core.internal;

import org.jspecify.annotations.NullMarked;
