package dev.passkeyflow.spring;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;

/**
 * The application's side of a passkeyflow login: its own password check for the traditional step,
 * and the Spring Security {@link Authentication} of a user passkeyflow has authenticated.
 *
 * <p>Without a bean of this type, {@link PasskeyFlowConfigurer} uses the application's
 * {@code UserDetailsService} and {@code PasswordEncoder} ({@link #fromUserDetails}). Identifiers
 * arrive trimmed and lower-cased (the flow's normalisation).
 */
public interface PasskeyFlowUsers {

    /**
     * Checks the password typed for the identifier the login flow was started with. Must cost as much
     * for an unknown identifier as for a known one, and must not throw for a wrong password.
     *
     * @return whether the identifier names an account that may sign in and the password is right
     */
    boolean passwordMatches(String identifier, String password);

    /**
     * The authentication to store in the security context for a user passkeyflow authenticated (by
     * passkey or by {@link #passwordMatches}).
     *
     * @throws AuthenticationException when the account may not sign in now (disabled, locked, gone)
     */
    Authentication authenticated(String identifier);

    /** The display name to show in authenticators for a new passkey; default the identifier. */
    default String displayName(String identifier) {
        return identifier;
    }

    /** The application's {@code UserDetailsService} and {@code PasswordEncoder}. */
    static PasskeyFlowUsers fromUserDetails(
            org.springframework.security.core.userdetails.UserDetailsService users,
            org.springframework.security.crypto.password.PasswordEncoder encoder) {
        return new UserDetailsPasskeyFlowUsers(users, encoder);
    }
}
