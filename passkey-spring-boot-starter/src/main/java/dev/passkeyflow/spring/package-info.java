/**
 * Spring Boot auto-configuration and a Spring Security configurer for passkeyflow.
 *
 * <p>{@link dev.passkeyflow.spring.PasskeyFlowAutoConfiguration} builds the
 * {@link dev.passkeyflow.core.LoginFlow} from {@code passkeyflow.*} properties on the application's
 * {@code DataSource}; {@link dev.passkeyflow.spring.PasskeyFlowConfigurer} exposes the flow's JSON
 * endpoints in a {@code SecurityFilterChain} and completes the Spring Security login.
 */
@NullMarked
package dev.passkeyflow.spring;

import org.jspecify.annotations.NullMarked;
