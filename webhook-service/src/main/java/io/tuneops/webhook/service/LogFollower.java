package io.tuneops.webhook.service;

import java.util.ArrayList;
import java.util.List;

/**
 * Follows a job's stored log tail, which each report replaces with the newest part of the log (the
 * front is cut once it grows past the tail's size): answers the whole lines each new tail adds to
 * what was already followed. A line still being written waits for its end, or for the last look.
 * One follower per reader; not thread-safe.
 */
public final class LogFollower {

    // enough of what was followed to find where it ends in a tail whose front was cut
    private static final int ANCHOR = 512;

    private String followed = "";

    /** The lines {@code tail} adds; with {@code last}, an unfinished last line too. */
    public List<String> next(String tail, boolean last) {
        String text = tail == null ? "" : tail;
        String fresh = text.substring(text.length() - freshLength(text));
        int end = last ? fresh.length() : fresh.lastIndexOf('\n') + 1;
        followed = text.substring(0, text.length() - fresh.length() + end);
        List<String> lines = new ArrayList<>();
        for (String line : fresh.substring(0, end).split("\n", -1)) {
            lines.add(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        }
        // the text after the last newline is an empty "line" of its own
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    private int freshLength(String text) {
        if (followed.isEmpty()) {
            return text.length();
        }
        if (text.startsWith(followed)) {
            return text.length() - followed.length();
        }
        String anchor = followed.substring(Math.max(0, followed.length() - ANCHOR));
        int at = text.lastIndexOf(anchor);
        // not found: the log moved on by more than a tail between two looks; all of it is new
        return at < 0 ? text.length() : text.length() - at - anchor.length();
    }
}
