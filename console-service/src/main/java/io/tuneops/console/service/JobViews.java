package io.tuneops.console.service;

import io.tuneops.console.client.JobsApi.Job;
import io.tuneops.console.client.JobsApi.UploadProgress;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/** Jobs as the pages show them: every value already written out, so templates only place them. */
public final class JobViews {

    /** The statuses a job never leaves (docs/jobs.md). */
    public static final Set<String> FINISHED = Set.of("completed", "failed", "cancelled");
    public static final List<String> STATUSES = List.of("pending_approval", "pending", "queued", "running", "completed", "failed", "cancelled");
    public static final List<String> PROVIDERS = List.of("replicate", "generic");

    /** One row of the jobs list; {@code id} doubles as the row's element id ({@code job-<job_id>}). */
    public record JobRow(String jobId, String rowId, String href, String title, String status, String provider,
                         String hardware, String created, String duration, String cost, String uploads) {
    }

    /** One line of a job's field list: the API's field name (in the element id), a label and the value. */
    public record FieldLine(String id, String label, String value) {
    }

    /** A job's page: its fields, its log tail and output, and what may be done with it. */
    public record JobDetail(String jobId, String title, String status, boolean finished, List<FieldLine> fields,
                            String logs, String output, String error, String costLimitWarning) {
    }

    private JobViews() {
    }

    public static JobRow row(Job job) {
        return new JobRow(job.job_id(), "job-" + job.job_id(), "/jobs/" + job.job_id(), title(job), job.status(),
                Formats.text(job.provider()), Formats.text(job.hardware()), Formats.time(job.created_at()),
                Formats.duration(job.duration_seconds()), Formats.usd(job.cost_usd()), uploads(job.upload_progress()));
    }

    public static List<JobRow> rows(List<Job> jobs) {
        List<JobRow> rows = new ArrayList<>(jobs.size());
        for (Job job : jobs) {
            rows.add(row(job));
        }
        return rows;
    }

    public static JobDetail detail(Job job) {
        List<FieldLine> fields = List.of(
                line("job_id", "Job id", job.job_id()),
                line("status", "Status", job.status()),
                line("provider_status", "Provider status", job.provider_status()),
                line("name", "Name", job.name()),
                line("provider", "Provider", job.provider()),
                line("provider_job_id", "Provider job id", job.provider_job_id()),
                line("hardware", "Hardware", job.hardware()),
                line("version", "Version", job.version()),
                line("destination", "Destination", job.destination()),
                line("submitted_by", "Submitted by", job.submitted_by()),
                line("idempotency_key", "Idempotency key", job.idempotency_key()),
                new FieldLine("job-field-created_at", "Created", Formats.time(job.created_at())),
                new FieldLine("job-field-updated_at", "Updated", Formats.time(job.updated_at())),
                new FieldLine("job-field-started_at", "Started", Formats.time(job.started_at())),
                new FieldLine("job-field-completed_at", "Completed", Formats.time(job.completed_at())),
                new FieldLine("job-field-duration_seconds", "Duration", Formats.duration(job.duration_seconds())),
                new FieldLine("job-field-cost_usd", "Cost", Formats.usd(job.cost_usd())),
                new FieldLine("job-field-upload_progress", "Uploads", uploads(job.upload_progress())),
                line("output_url", "Output URL", job.output_url()));
        String output = job.output() == null || job.output().isNull() ? null : job.output().toPrettyString();
        return new JobDetail(job.job_id(), title(job), job.status(), FINISHED.contains(job.status()), fields,
                job.logs(), output, job.error(), job.cost_limit_warning());
    }

    /**
     * A short name for one state of a job's log tail (the first 64 bits of its SHA-256), carried
     * by a job page's poll so that the log is sent again only when it changed.
     */
    public static String logVersion(String logs) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest((logs == null ? "" : logs).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private static FieldLine line(String field, String label, String value) {
        return new FieldLine("job-field-" + field, label, Formats.text(value));
    }

    private static String title(Job job) {
        return job.name() == null || job.name().isBlank() ? job.job_id() : job.name();
    }

    /** Listings carry no upload figures (upload_progress null): shown as unknown, not as zero. */
    private static String uploads(UploadProgress progress) {
        return progress == null ? Formats.NONE : Formats.uploads(progress.objects(), progress.bytes());
    }
}
