package io.tuneops.support.config;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.ReportAsSingleViolation;
import jakarta.validation.constraints.Pattern;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE_USE;

/** A setting that names another service: {@code http(s)://host[:port]}, no path. */
@Documented
@Constraint(validatedBy = {})
@ReportAsSingleViolation
@Pattern(regexp = "https?://[A-Za-z0-9.\\-]+(:[0-9]{1,5})?/?")
@Target({METHOD, FIELD, PARAMETER, TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
public @interface HttpBaseUrl {

    String message() default "must be an http:// or https:// URL with a host and an optional port, without a path";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
