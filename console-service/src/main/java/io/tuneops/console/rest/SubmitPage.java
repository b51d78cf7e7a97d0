package io.tuneops.console.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Uni;
import io.tuneops.console.client.Caller;
import io.tuneops.console.client.JobsApi;
import io.tuneops.console.client.OwnerUnavailable;
import io.tuneops.console.client.Query;
import io.tuneops.console.service.JobViews;
import io.tuneops.console.service.SubmitForm;
import io.tuneops.console.web.Csrf;
import io.tuneops.console.web.FormErrors;
import io.tuneops.console.web.Layout;
import io.tuneops.console.web.Option;
import io.tuneops.console.web.Pages;
import io.tuneops.console.web.Section;
import io.tuneops.console.web.Visitor;
import io.tuneops.support.http.VouchedAccess.Access;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestHeader;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** Submitting a job (Replicate or generic). Operators and admins only. */
@Path("/submit")
@Produces(MediaType.TEXT_HTML)
public class SubmitPage {

    static final Set<String> FIELDS = Set.of("provider", "name", "hardware", "version", "destination", "input");

    /** templates/SubmitPage/submit.html */
    record submit(Layout layout, SubmitForm form, List<Option> providers, FormErrors errors) implements TemplateInstance {
    }

    /**
     * templates/SubmitPage/submitted.html: the new job with its upload credentials, which the API
     * shows this once.
     */
    record submitted(Layout layout, String jobId, String jobHref, JobsApi.UploadCredentials credentials, String warning)
            implements TemplateInstance {
    }

    private final Pages pages;
    private final JobsApi jobs;
    private final ObjectMapper json;

    public SubmitPage(Pages pages, JobsApi jobs, ObjectMapper json) {
        this.pages = pages;
        this.jobs = jobs;
        this.json = json;
    }

    @GET
    public TemplateInstance form(@Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.OPERATOR);
        return page(visitor, SubmitForm.blank(), FormErrors.NONE);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Uni<Response> submitJob(@RestForm String provider, @RestForm String name, @RestForm String hardware,
                                   @RestForm String version, @RestForm String destination, @RestForm String input,
                                   @RestForm("idempotency_key") String idempotencyKey,
                                   @RestForm(Csrf.FIELD) String csrf, @RestHeader(Csrf.HEADER) String csrfHeader,
                                   @Context RoutingContext rc) {
        Visitor visitor = pages.visitor(rc, Access.OPERATOR);
        Csrf.require(visitor, csrf, csrfHeader);
        SubmitForm form = new SubmitForm(provider, name, hardware, version, destination, input, idempotencyKey);
        SubmitForm.Built built = form.build(json);
        if (!built.errors().isEmpty()) {
            return Uni.createFrom().item(Response.ok(page(visitor, form, FormErrors.local(built.errors()))).build());
        }
        return jobs.submit(Caller.of(rc, visitor), built.body()).map(answer -> answer.fold(
                result -> {
                    String href = "/jobs/" + Query.segment(result.job_id());
                    if (Boolean.TRUE.equals(result.idempotent_replay()) || result.upload_credentials() == null) {
                        return Pages.seeOther(rc, href);
                    }
                    return Response.ok(new submitted(pages.layout(visitor, Section.SUBMIT, "Job submitted"),
                            result.job_id(), href, result.upload_credentials(), result.cost_limit_warning())).build();
                },
                problem -> Response.ok(page(visitor, form, FormErrors.of(problem, FIELDS, Map.of()))).build()))
                .onFailure(OwnerUnavailable.class).recoverWithItem(e -> Response.ok(page(visitor, form,
                        FormErrors.general("Not submitted: " + e.getMessage() + ". Send the form again: the same "
                                + "idempotency key makes sure the job is created at most once."))).build());
    }

    private submit page(Visitor visitor, SubmitForm form, FormErrors errors) {
        return new submit(pages.layout(visitor, Section.SUBMIT, "Submit a job"), form,
                Option.of(JobViews.PROVIDERS, form.provider()), errors);
    }
}
