package io.tuneops.gateway.config;

import io.tuneops.gateway.net.IpRanges;
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

/** An IPv4/IPv6 address or CIDR block, as {@link IpRanges} reads it. */
@Documented
@Constraint(validatedBy = IpBlock.Validator.class)
@Target({METHOD, TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
public @interface IpBlock {

    String message() default "must be IP addresses or CIDR blocks such as 10.0.0.0/8 or 2001:db8::/32";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<IpBlock, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || IpRanges.parseBlock(value).isPresent();
        }
    }
}
