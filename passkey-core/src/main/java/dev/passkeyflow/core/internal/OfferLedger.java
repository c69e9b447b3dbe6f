package dev.passkeyflow.core.internal;

import dev.passkeyflow.core.HealingKind;
import dev.passkeyflow.core.OfferCooldowns;
import dev.passkeyflow.storage.Bytes;
import dev.passkeyflow.storage.PasskeyEvent;
import dev.passkeyflow.storage.PasskeyEventRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Per-kind offer cooldowns and unanswered-offer counters over a {@link PasskeyEventRepository}
 * ({@link OfferCooldowns} says what they are), read from the account's unexpired events. Each event's expiry is the time it stops counting, so
 * a read of the unexpired events is the whole computation and any node sees the same answer.
 *
 * <p>Events are recorded before a step's commit point with an id made of the flow id and what
 * happened, so a step that is repeated (a retry after a storage failure, a racing request) records
 * each event once, and a step that fails after recording leaves at most an extra "offered" that
 * makes the next offer a little later, never earlier.
 */
final class OfferLedger {

    /** How many events of an account or a device are read: enough for any rule's counter. */
    private static final int READ_LIMIT = 200;

    private final PasskeyEventRepository events;
    private final OfferCooldowns cooldowns;

    OfferLedger(PasskeyEventRepository events, OfferCooldowns cooldowns) {
        this.events = events;
        this.cooldowns = cooldowns;
    }

    /** Whether an offer of this kind may be shown to this account on this device now. */
    boolean allows(HealingKind kind, Bytes userHandle, @Nullable String deviceId, Instant now) {
        OfferCooldowns.Rule rule = cooldowns.rule(kind);
        if (rule == null) {
            return true;
        }
        List<PasskeyEvent> answers = events.activeByUser(userHandle, now, READ_LIMIT);
        if (rule.scope() == OfferCooldowns.Scope.ACCOUNT_ON_DEVICE && deviceId != null) {
            answers =
                    answers.stream().filter(e -> deviceId.equals(e.deviceId())).toList();
        }
        return !coolingDown(kind, rule, answers);
    }

    /** Newest first: a decline or cancel still unexpired, or too many offers since the last acceptance. */
    private static boolean coolingDown(HealingKind kind, OfferCooldowns.Rule rule, List<PasskeyEvent> newestFirst) {
        int unanswered = 0;
        for (PasskeyEvent event : newestFirst) {
            if (!event.kind().equals(kind.name())) {
                continue;
            }
            switch (event.type()) {
                case DECLINED, CANCELLED -> {
                    return true;
                }
                case ACCEPTED -> {
                    return false;
                }
                case OFFERED -> {
                    if (++unanswered >= rule.maxUnanswered()) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Records that an offer was shown (or handed to the browser silently). */
    void offered(String flowId, HealingKind kind, Bytes userHandle, @Nullable String deviceId, Instant now) {
        OfferCooldowns.Rule rule = cooldowns.rule(kind);
        if (rule != null) {
            record(
                    flowId + ":offered:" + kind,
                    kind,
                    userHandle,
                    deviceId,
                    PasskeyEvent.Type.OFFERED,
                    now,
                    rule.unansweredWindow());
        }
    }

    /**
     * Records the answer to an offer. A decline or cancel lives as long as its cooldown; an
     * acceptance as long as offers count, so that it resets the counter of every offer before it.
     */
    void answered(
            String flowId,
            HealingKind kind,
            Bytes userHandle,
            @Nullable String deviceId,
            PasskeyEvent.Type type,
            Instant now) {
        OfferCooldowns.Rule rule = cooldowns.rule(kind);
        if (rule == null) {
            return;
        }
        Duration lifetime = switch (type) {
            case DECLINED -> rule.afterDecline();
            case CANCELLED -> rule.afterCancel();
            case ACCEPTED, OFFERED -> rule.unansweredWindow();
        };
        record(
                flowId + ":" + type.name().toLowerCase(java.util.Locale.ROOT) + ":" + kind,
                kind,
                userHandle,
                deviceId,
                type,
                now,
                lifetime);
    }

    private void record(
            String eventId,
            HealingKind kind,
            Bytes userHandle,
            @Nullable String deviceId,
            PasskeyEvent.Type type,
            Instant now,
            Duration lifetime) {
        if (lifetime.isZero()) {
            return; // a zero cooldown: nothing to remember
        }
        String device = deviceId != null && deviceId.length() <= PasskeyEvent.MAX_DEVICE_ID_LENGTH ? deviceId : null;
        events.append(new PasskeyEvent(eventId, userHandle, device, kind.name(), type, now, now.plus(lifetime)));
    }
}
