package io.tuneops.console.web;

import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The shape of an owner's id (a job, key, user, channel, request, ...) wherever the console takes
 * one from a URL: letters, digits, {@code _ . -}, 1 to 128 of them. Anything else names nothing,
 * so the console answers it itself instead of passing junk (a NUL byte, markup, a sentence) on.
 */
public final class Ids {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

    private Ids() {
    }

    public static boolean valid(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /**
     * The notice shown after a change to {@code id} ({@code ?deleted=job_1}), or none when the
     * parameter is missing or not an id: the notice box is the console speaking, and a crafted link
     * must not make it say anything else.
     */
    public static String notice(String id, Function<String, String> words) {
        return valid(id) ? words.apply(id) : null;
    }
}
