package dev.passkeyflow.storage.jdbc;

import org.jspecify.annotations.Nullable;

/** The SQLStates the storage tells apart; the same in PostgreSQL and H2 unless noted. */
final class SqlStates {

    /** unique_violation (PostgreSQL), DUPLICATE_KEY_1 (H2). */
    static final String UNIQUE_VIOLATION = "23505";

    /** foreign_key_violation (PostgreSQL, both directions), REFERENTIAL_INTEGRITY_VIOLATED_CHILD_EXISTS_1 (H2). */
    static final String FOREIGN_KEY_VIOLATION = "23503";

    /** REFERENTIAL_INTEGRITY_VIOLATED_PARENT_MISSING_1 (H2 only). */
    static final String H2_PARENT_MISSING = "23506";

    private SqlStates() {}

    static boolean isForeignKeyViolation(@Nullable String state) {
        return FOREIGN_KEY_VIOLATION.equals(state) || H2_PARENT_MISSING.equals(state);
    }
}
