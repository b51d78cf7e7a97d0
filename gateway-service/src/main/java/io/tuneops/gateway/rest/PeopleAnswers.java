package io.tuneops.gateway.rest;

import io.smallrye.mutiny.Uni;
import io.tuneops.gateway.rest.ApiKeyResource.FieldError;
import io.tuneops.gateway.rest.ApiKeyResource.ValidationError;
import io.tuneops.gateway.service.PeopleFailure;
import io.tuneops.support.http.JsonErrorMappers;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/** What the people routes share: the shapes of their names and the answers to their failures. */
final class PeopleAnswers {

    /** Usernames: letters, digits and ._@- , starting with a letter or digit. */
    static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    /** Display names of people, organisations and teams: printable, 1 to 100 characters. */
    static final Pattern DISPLAY_NAME = Pattern.compile("[^\\p{Cntrl}]{1,100}");
    static final Pattern EMAIL = Pattern.compile("[^@\\s\\p{Cntrl}]{1,64}@[^@\\s\\p{Cntrl}]{1,189}\\.[^@\\s\\p{Cntrl}]{1,63}");
    /** Slugs of organisations and teams: lower-case letters, digits and hyphens (never an underscore, so never an id). */
    static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    static final int MAX_PASSWORD = 1024;

    private PeopleAnswers() {
    }

    static Response invalid(String what, List<FieldError> errors) {
        return Response.status(400).entity(new ValidationError(what, errors)).build();
    }

    /** A failed change: the refusal as the caller asked for it (400, 404, 409), or the failed step (503). */
    static Response failed(String what, Throwable failure) {
        if (failure instanceof PeopleFailure refused) {
            if (refused.kind() == PeopleFailure.Kind.INVALID) {
                return invalid(what, List.of(new FieldError(refused.field(), refused.getMessage())));
            }
            return JsonErrorMappers.json(refused.kind().status(), refused.getMessage());
        }
        return ApiKeyResource.notChanged(what, failure);
    }

    /** A change that answers with what it made: {@code status} with its view, or its failure as {@link #failed}. */
    static <T> Uni<Response> changed(Uni<T> change, int status, Function<T, ?> view, String notChanged) {
        return change.map(done -> Response.status(status).entity(view.apply(done)).build())
                .onFailure().recoverWithItem(e -> failed(notChanged, e));
    }

    /** A removal: 204, 404 with {@code missing} when there was nothing to remove, or its failure as {@link #failed}. */
    static Uni<Response> removed(Uni<Boolean> removal, String missing, String notRemoved) {
        return removal.map(removed -> removed ? Response.noContent().build() : JsonErrorMappers.json(404, missing))
                .onFailure().recoverWithItem(e -> failed(notRemoved, e));
    }

    /** A slug made from a name: lower case, runs of anything else than letters and digits as one hyphen. */
    static String slugOf(String name, String fallback) {
        String slug = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (slug.length() > 63) {
            slug = slug.substring(0, 63).replaceAll("-+$", "");
        }
        return slug.isEmpty() ? fallback : slug;
    }
}
