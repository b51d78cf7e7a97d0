package io.tuneops.storage.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;

import java.nio.file.Path;
import java.time.Duration;

/** The S3-compatible endpoint (TUNEOPS_STORAGE_*). */
@ConfigMapping(prefix = "tuneops.storage")
public interface StorageConfig {

    /**
     * The guide's {@code s3_output_path}: objects live under it (see docs/storage.md, "On-disk
     * layout"), and keys start with {job_id}/, so a job's outputs are in {output-path}/{job_id}/. A
     * leading ~ is the user's home.
     */
    @WithDefault("~/.simpletuner/outputs")
    @NotBlank
    String outputPath();

    /** The guide's {@code s3_endpoint_enabled}: false refuses every operation with 403 AccessDenied. */
    @WithDefault("true")
    boolean enabled();

    /** The one bucket upload credentials name (webhook-service's tuneops.jobs.upload-bucket). */
    @WithDefault("outputs")
    @Pattern(regexp = "[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", message = "must be a valid S3 bucket name")
    String bucket();

    /** Largest single PUT or part (S3: 5 GiB). */
    @WithDefault("5368709120")
    @Min(1)
    long maxObjectSize();

    /** Largest multipart object (S3: 5 TiB). */
    @WithDefault("5497558138880")
    @Min(1)
    long maxMultipartObjectSize();

    /** Smallest part but the last one (S3: 5 MiB). */
    @WithDefault("5242880")
    @Min(0)
    long minPartSize();

    /** Most parts in one multipart upload (S3: 10,000). */
    @WithDefault("10000")
    @Min(1)
    @Max(10000)
    int maxParts();

    /** Multipart uploads neither completed nor aborted after this long are removed with their parts. */
    @WithDefault("7D")
    Duration multipartTtl();

    /** How often abandoned multipart uploads, and temporary files and parts left behind, are looked for. */
    @WithDefault("1H")
    Duration reapInterval();

    /**
     * A replica sharing the output volume that has not marked itself alive there for this long is
     * gone, and its temporary files are removed; each replica marks itself every quarter of this.
     */
    @WithDefault("2M")
    Duration replicaTimeout();

    /** Largest difference between a signed request's X-Amz-Date and the server clock (S3: 15 minutes). */
    @WithDefault("15M")
    Duration clockSkew();

    /**
     * A multipart completion still assembling, or a copy (CopyObject, UploadPartCopy) still
     * copying, after this long answers 200 at once and sends a space this often until it is done
     * (as S3 does), so proxies and clients keep waiting.
     */
    @WithDefault("5S")
    Duration completeKeepAlive();

    /**
     * Bytes kept free on the output volume: an upload (a PUT or part, a multipart completion, a
     * copy) that would leave less is refused with 507 InsufficientStorage before anything is
     * written, so a full disk never takes PostgreSQL or the other writers on the volume with it.
     */
    @WithDefault("67108864")
    @Min(0)
    long minFreeSpace();

    /** The output directory with ~ expanded, absolute and normalised. */
    default Path outputDirectory() {
        String raw = outputPath().trim();
        if (raw.equals("~") || raw.startsWith("~/")) {
            raw = System.getProperty("user.home") + raw.substring(1);
        }
        return Path.of(raw).toAbsolutePath().normalize();
    }
}
