package io.tuneops.webhook.service.notify;

/** What a channel change does to the channel's secret. */
public sealed interface SecretChange {

    /** Absent from the change: the secret stays as it is. */
    record Keep() implements SecretChange {
    }

    /** An empty string: the secret is removed. */
    record Clear() implements SecretChange {
    }

    record Replace(String value) implements SecretChange {
        @Override
        public String toString() {
            return "Replace[****]";
        }
    }

    /** A webhook endpoint created without a secret gets one, shown once in the answer. */
    record Generate() implements SecretChange {
    }
}
