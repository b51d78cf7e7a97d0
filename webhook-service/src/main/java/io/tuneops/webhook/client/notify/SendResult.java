package io.tuneops.webhook.client.notify;

/**
 * What the far end of one send answered.
 *
 * @param statusCode the HTTP status or SMTP reply code; null when no answer came (refused, timed out)
 * @param error      why it did not succeed, never naming a secret; null on success
 */
public record SendResult(boolean success, Integer statusCode, String error, long latencyMs) {

    public static SendResult ok(int statusCode, long latencyMs) {
        return new SendResult(true, statusCode, null, latencyMs);
    }

    public static SendResult failed(Integer statusCode, String error, long latencyMs) {
        String shown = error == null ? "failed" : error.length() > 500 ? error.substring(0, 500) + "..." : error;
        return new SendResult(false, statusCode, shown, latencyMs);
    }
}
