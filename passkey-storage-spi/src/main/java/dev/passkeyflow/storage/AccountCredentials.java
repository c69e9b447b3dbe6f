package dev.passkeyflow.storage;

import java.util.List;
import java.util.Objects;

/**
 * An account with every one of its credentials, whatever their status, oldest first.
 *
 * @param account the account
 * @param credentials its credentials; empty if it has none
 */
public record AccountCredentials(UserAccount account, List<StoredCredential> credentials) {

    public AccountCredentials {
        Objects.requireNonNull(account, "account");
        credentials = List.copyOf(credentials);
    }
}
