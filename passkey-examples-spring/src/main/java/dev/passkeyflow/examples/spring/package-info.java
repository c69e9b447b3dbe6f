/** The Spring Boot example: an existing form-login application that gains passkey-first login. */
@NullMarked
package dev.passkeyflow.examples.spring;

import org.jspecify.annotations.NullMarked;
