/** The demo web application: its HTTP handlers are the integration guide for the library. */
@NullMarked
package dev.passkeyflow.examples;

import org.jspecify.annotations.NullMarked;
