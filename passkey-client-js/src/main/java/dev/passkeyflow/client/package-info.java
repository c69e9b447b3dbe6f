/**
 * Where the passkeyflow browser client (the ES module {@code passkeyflow-client.js}) lives in this
 * WebJar, so that a server can serve it and link it without spelling its version.
 */
@NullMarked
package dev.passkeyflow.client;

import org.jspecify.annotations.NullMarked;
