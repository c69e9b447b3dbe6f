package dev.passkeyflow.spring;

import java.util.Objects;
import org.springframework.security.authentication.AccountStatusUserDetailsChecker;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * {@link PasskeyFlowUsers} over a {@link UserDetailsService} and a {@link PasswordEncoder}. The
 * password check is Spring Security's own {@link DaoAuthenticationProvider}, which also spends a
 * password hash on unknown user names and refuses disabled, locked and expired accounts.
 */
final class UserDetailsPasskeyFlowUsers implements PasskeyFlowUsers {

    private final UserDetailsService users;
    private final DaoAuthenticationProvider passwords;
    private final AccountStatusUserDetailsChecker status = new AccountStatusUserDetailsChecker();

    UserDetailsPasskeyFlowUsers(UserDetailsService users, PasswordEncoder encoder) {
        this.users = Objects.requireNonNull(users, "users");
        this.passwords = new DaoAuthenticationProvider(users);
        this.passwords.setPasswordEncoder(Objects.requireNonNull(encoder, "encoder"));
    }

    @Override
    public boolean passwordMatches(String identifier, String password) {
        try {
            return passwords
                    .authenticate(UsernamePasswordAuthenticationToken.unauthenticated(identifier, password))
                    .isAuthenticated();
        } catch (AuthenticationException e) {
            return false;
        }
    }

    @Override
    public Authentication authenticated(String identifier) {
        UserDetails user = users.loadUserByUsername(identifier);
        status.check(user);
        return UsernamePasswordAuthenticationToken.authenticated(user, null, user.getAuthorities());
    }

    @Override
    public String displayName(String identifier) {
        return identifier;
    }
}
