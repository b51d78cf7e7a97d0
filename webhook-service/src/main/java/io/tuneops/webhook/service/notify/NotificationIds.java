package io.tuneops.webhook.service.notify;

import java.security.SecureRandom;

/** Opaque ids: a prefix naming the kind ('nch_' channel, 'npr_' preference) and 20 random base32 characters (100 bits). */
final class NotificationIds {

    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private NotificationIds() {
    }

    static String channel() {
        return "nch_" + random(20);
    }

    static String preference() {
        return "npr_" + random(20);
    }

    static String random(int length) {
        StringBuilder id = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            id.append(BASE32[RANDOM.nextInt(32)]);
        }
        return id.toString();
    }
}
