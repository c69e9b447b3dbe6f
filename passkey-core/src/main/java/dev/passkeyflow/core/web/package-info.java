/**
 * HTTP-side helpers any host (servlet, Spring, Javalin) can use with the browser client
 * {@code passkeyflow-client.js}: {@link dev.passkeyflow.core.web.ClientContextReader} builds a
 * {@link dev.passkeyflow.core.ClientContext} from request headers plus what the page measured, and
 * {@link dev.passkeyflow.core.web.StepJson} writes a {@link dev.passkeyflow.core.LoginStep} in the
 * JSON form the client runs. Neither depends on a web framework: headers are read through a
 * function ({@code request::getHeader}, {@code ctx::header}).
 */
@NullMarked
package dev.passkeyflow.core.web;

import org.jspecify.annotations.NullMarked;
