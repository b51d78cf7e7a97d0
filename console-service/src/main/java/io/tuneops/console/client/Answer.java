package io.tuneops.console.client;

import io.smallrye.mutiny.Uni;

import java.util.function.Function;

/**
 * What an owner answered to one call: the value it returned, or its refusal in words. An owner
 * that did not answer at all is a failed Uni with {@link OwnerUnavailable} instead.
 */
public sealed interface Answer<T> {

    /**
     * An owner that did not answer, as a refusal in its words (503), so a page shows it next to
     * what it could read from the others instead of failing as a whole.
     */
    static <T> Uni<Answer<T>> recovering(Uni<Answer<T>> call) {
        return call.onFailure(OwnerUnavailable.class)
                .recoverWithItem(e -> new Problem<>(503, ApiProblem.of(e.getMessage())));
    }

    int status();

    <R> R fold(Function<T, R> ok, Function<ApiProblem, R> problem);

    /** The value, or null when the owner refused. */
    default T valueOrNull() {
        return fold(v -> v, p -> null);
    }

    /** The refusal, or null when the owner answered with a value. */
    default ApiProblem problemOrNull() {
        return fold(v -> null, p -> p);
    }

    record Ok<T>(int status, T value) implements Answer<T> {
        @Override
        public <R> R fold(Function<T, R> ok, Function<ApiProblem, R> problem) {
            return ok.apply(value);
        }
    }

    record Problem<T>(int status, ApiProblem problem) implements Answer<T> {
        @Override
        public <R> R fold(Function<T, R> ok, Function<ApiProblem, R> problemCase) {
            return problemCase.apply(problem);
        }
    }
}
