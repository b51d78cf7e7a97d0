package io.tuneops.webhook.config;

import io.tuneops.webhook.service.ProviderConfigValidator;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.TYPE_USE;

/**
 * A setting holding a Standard Webhooks secret ({@code whsec_} and base64 of 24 to 64 bytes), the
 * same rule the provider API applies to webhook_secret. The violation names the setting only:
 * the constraint's message is fixed and never interpolates the value.
 */
@Documented
@Constraint(validatedBy = StandardWebhooksSecret.Validator.class)
@Target({METHOD, TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
public @interface StandardWebhooksSecret {

    String message() default "must be a Standard Webhooks secret 'whsec_<base64>' of 24 to 64 bytes";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<StandardWebhooksSecret, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || ProviderConfigValidator.isWebhookSecret(value);
        }
    }
}
