package io.tuneops.console.web;

import io.smallrye.mutiny.Uni;
import io.tuneops.console.client.Answer;

import java.util.function.Function;

/**
 * What a page shows of one owner's answer: its value, or, when the owner refused or did not answer,
 * the owner's words for the page's error panel, so that the page still renders what the other
 * owners gave.
 *
 * @param value null when the owner gave none
 * @param error null when the owner answered
 */
public record Shown<T>(T value, String error) {

    public static <T> Uni<Shown<T>> of(Uni<Answer<T>> call) {
        return Answer.recovering(call)
                .map(answer -> answer.fold(value -> new Shown<>(value, null), problem -> new Shown<>(null, problem.detail())));
    }

    /** {@code shown} of the value, or {@code otherwise} when the owner gave none. */
    public <R> R map(Function<T, R> shown, R otherwise) {
        return value == null ? otherwise : shown.apply(value);
    }

    /** The first owner's error among the answers a page shows together, or null when all answered. */
    public static String firstError(Shown<?>... answers) {
        for (Shown<?> answer : answers) {
            if (answer.error() != null) {
                return answer.error();
            }
        }
        return null;
    }
}
