package dev.passkeyflow.intelligence;

import dev.passkeyflow.core.ClientPlatform;
import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.storage.AttemptOutcome;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.LoginAttempt;
import dev.passkeyflow.storage.LoginAttemptRepository;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What one account's recent history says across all its devices, read with a single bounded query
 * ({@link LoginAttemptRepository#recentByUser}): the unanswered creation offers per
 * {@link OfferCounter} and across all of them, and whether a passkey of the user was recently proven present on a client of
 * a given platform (for browsers that lose their device id with their cookies).
 */
final class AccountHistory {

    /** Offers are counted separately per counter: after an error, after a hybrid login, and plain ones. */
    public enum OfferCounter {
        AFTER_ERROR,
        AFTER_HYBRID,
        PLAIN;

        public static OfferCounter of(HealingKind kind) {
            return switch (kind) {
                case AFTER_ERROR -> AFTER_ERROR;
                case AFTER_HYBRID -> AFTER_HYBRID;
                case FIRST_PASSKEY, ADDITIONAL_PASSKEY, AFTER_NO_CREDENTIAL, ENROLMENT -> PLAIN;
            };
        }

        static java.util.List<OfferCounter> ofStored(@Nullable String kind) {
            if (kind != null) {
                for (HealingKind k : HealingKind.values()) {
                    if (k.name().equals(kind)) {
                        return java.util.List.of(of(k));
                    }
                }
            }
            return java.util.List.of(values());
        }
    }

    /** The unanswered offers of one counter since the last passkey created from an offer of it. */
    public record OfferRun(
            int unanswered,
            @Nullable Instant newestUnanswered,
            @Nullable Instant newestDecline) {}

    private final Map<OfferCounter, OfferRun> runs;
    private final OfferRun accountRun;
    private final Map<ClientPlatform, Instant> presenceByPlatform;
    private final Map<ClientPlatform, Instant> unseenCreationByPlatform;
    private final Map<ClientPlatform, Instant> failureByPlatform;

    private AccountHistory(
            Map<OfferCounter, OfferRun> runs,
            OfferRun accountRun,
            Map<ClientPlatform, Instant> presenceByPlatform,
            Map<ClientPlatform, Instant> unseenCreationByPlatform,
            Map<ClientPlatform, Instant> failureByPlatform) {
        this.runs = runs;
        this.accountRun = accountRun;
        this.presenceByPlatform = presenceByPlatform;
        this.unseenCreationByPlatform = unseenCreationByPlatform;
        this.failureByPlatform = failureByPlatform;
    }

    /**
     * Reads the account's attempts since {@code since}, newest first, at most {@code limit}.
     */
    public static AccountHistory read(LoginAttemptRepository attempts, Bytes user, Instant since, int limit) {
        Runs perCounter = new Runs();
        Map<ClientPlatform, Instant> presence = new EnumMap<>(ClientPlatform.class);
        Map<ClientPlatform, Instant> unseenCreation = new EnumMap<>(ClientPlatform.class);
        Map<ClientPlatform, Instant> failure = new EnumMap<>(ClientPlatform.class);
        Set<String> seenSince = new HashSet<>();
        int accountUnanswered = 0;
        Instant accountNewest = null;
        Instant accountDecline = null;
        boolean accountClosed = false;
        for (LoginAttempt a : attempts.recentByUser(user, since, limit)) {
            AttemptOutcome o = a.outcome();
            ClientPlatform platform = ClientPlatform.fromName(a.platform());
            // A sign-in with this client's own authenticator, or InvalidStateError on create(): one of the
            // user's passkeys is on a client of this platform. A passkey created there is no such proof
            // (another device of the same platform, a second browser profile or a new laptop, looks the
            // same); it only makes the passkey possibly there when its client never came back (below).
            boolean localProof = (o == AttemptOutcome.SUCCEEDED && !a.crossPlatformSuccess())
                    || o == AttemptOutcome.ALREADY_REGISTERED;
            if (localProof && platform != ClientPlatform.OTHER) {
                presence.putIfAbsent(platform, a.at());
            }
            String device = a.deviceId();
            if (platform != ClientPlatform.OTHER) {
                // A passkey created by a client that never came back under its device id: that client may
                // be the one now asking under a new id (cookies deleted on exit, a private window).
                if (o == AttemptOutcome.REGISTERED && device != null && !seenSince.contains(device)) {
                    unseenCreation.putIfAbsent(platform, a.at());
                }
                if (o.isAuthenticationFailure()) {
                    failure.putIfAbsent(platform, a.at());
                }
            }
            if (device != null) {
                seenSince.add(device);
            }
            if (o.ceremony() != AttemptOutcome.Ceremony.REGISTRATION) {
                continue;
            }
            if (!accountClosed) {
                // Across every kind: the person sees one more prompt to create a passkey whatever its wording.
                if (o == AttemptOutcome.REGISTERED) {
                    accountClosed = true;
                } else if (o == AttemptOutcome.REGISTRATION_DECLINED || o == AttemptOutcome.REGISTRATION_CANCELLED) {
                    accountUnanswered++;
                    if (accountNewest == null) {
                        accountNewest = a.at();
                    }
                    if (o == AttemptOutcome.REGISTRATION_DECLINED && accountDecline == null) {
                        accountDecline = a.at();
                    }
                }
            }
            perCounter.add(a);
            // ALREADY_REGISTERED answers the offer without ending the run: the user was asked again for
            // nothing, which is exactly what the run guards against.
        }
        return new AccountHistory(
                perCounter.runs(),
                new OfferRun(accountUnanswered, accountNewest, accountDecline),
                presence,
                unseenCreation,
                failure);
    }

    /** The runs of unanswered offers per {@link OfferCounter}, fed newest first. */
    private static final class Runs {
        private final Map<OfferCounter, int[]> counts = new EnumMap<>(OfferCounter.class);
        private final Map<OfferCounter, Instant> newest = new EnumMap<>(OfferCounter.class);
        private final Map<OfferCounter, Instant> declines = new EnumMap<>(OfferCounter.class);
        private final Map<OfferCounter, Boolean> closed = new EnumMap<>(OfferCounter.class);

        void add(LoginAttempt a) {
            AttemptOutcome o = a.outcome();
            // An outcome recorded without its offer's kind (before kinds were recorded) counts for every counter.
            for (OfferCounter counter : OfferCounter.ofStored(a.offerKind())) {
                if (Boolean.TRUE.equals(closed.get(counter))) {
                    continue;
                }
                if (o == AttemptOutcome.REGISTERED) {
                    // A passkey created from an offer of this counter ends its run of unanswered ones.
                    closed.put(counter, true);
                } else if (o == AttemptOutcome.REGISTRATION_DECLINED || o == AttemptOutcome.REGISTRATION_CANCELLED) {
                    counts.computeIfAbsent(counter, c -> new int[1])[0]++;
                    newest.putIfAbsent(counter, a.at());
                    if (o == AttemptOutcome.REGISTRATION_DECLINED) {
                        declines.putIfAbsent(counter, a.at());
                    }
                }
            }
        }

        Map<OfferCounter, OfferRun> runs() {
            Map<OfferCounter, OfferRun> runs = new EnumMap<>(OfferCounter.class);
            for (OfferCounter c : OfferCounter.values()) {
                int[] n = counts.get(c);
                runs.put(c, new OfferRun(n == null ? 0 : n[0], newest.get(c), declines.get(c)));
            }
            return runs;
        }
    }

    /** The unanswered offers of one counter in a row. */
    public OfferRun run(OfferCounter counter) {
        // Never null: the factory puts a run for every OfferCounter.
        return Objects.requireNonNull(runs.get(counter));
    }

    /**
     * The unanswered offers of every kind in a row on the account, on any device, since the last
     * passkey created from an offer: the run the long pause after
     * {@link dev.passkeyflow.intelligence.AutoHealingPolicy#maxConsecutiveOffers()} is about.
     */
    public OfferRun accountRun() {
        return accountRun;
    }

    /**
     * The newest proof that a passkey of the user is reachable from a client of {@code platform}: a
     * passkey login through a platform authenticator there, or an {@code InvalidStateError} answer to
     * a creation offer there.
     */
    public @Nullable Instant presenceOn(ClientPlatform platform) {
        return presenceByPlatform.get(platform);
    }

    /**
     * The newest creation of a passkey of the user on a client of {@code platform} whose device id
     * has not been seen since, provided no passkey prompt on a client of that platform failed after
     * it; otherwise {@code null}.
     */
    public @Nullable Instant unseenCreationOn(ClientPlatform platform) {
        Instant created = unseenCreationByPlatform.get(platform);
        Instant failed = failureByPlatform.get(platform);
        return created == null || (failed != null && failed.isAfter(created)) ? null : created;
    }
}
