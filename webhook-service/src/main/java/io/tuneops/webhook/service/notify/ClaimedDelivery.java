package io.tuneops.webhook.service.notify;

import java.util.List;

/**
 * A delivery this dispatcher holds until its lease ends: its event, its channel and the channel's
 * sealed secret. {@code attempts} counts this attempt and fences its outcome: a dispatcher whose
 * lease ran out and was taken over cannot record over the newer attempt.
 */
public record ClaimedDelivery(long id, int attempts, List<String> recipients, StoredEvent event, Channel channel,
                              byte[] sealedSecret) {

    public ClaimedDelivery {
        recipients = recipients == null ? List.of() : List.copyOf(recipients);
    }
}
