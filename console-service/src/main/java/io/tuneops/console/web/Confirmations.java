package io.tuneops.console.web;

import io.quarkus.qute.TemplateInstance;

/**
 * The confirmation page of a destructive action for browsers without JavaScript: with it, htmx
 * asks with hx-confirm and posts directly; without it, the action's form leads here first.
 */
public final class Confirmations {

    private Confirmations() {
    }

    /**
     * templates/Confirmations/confirm.html
     *
     * @param action   where the confirming form posts
     * @param buttonId the id of the confirming button (the browser tests click it)
     */
    public record confirm(Layout layout, String heading, String message, String action, String buttonId,
                          String buttonLabel, String backHref) implements TemplateInstance {
    }
}
