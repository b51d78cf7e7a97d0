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

/**
 * An IPv4/IPv6 address or CIDR block in a standard form, as {@link IpRanges} reads it. A refused
 * entry fails the start with its own text in the message, so the operator finds it in a long list.
 */
@Documented
@Constraint(validatedBy = IpBlock.Validator.class)
@Target({METHOD, TYPE_USE})
@Retention(RetentionPolicy.RUNTIME)
public @interface IpBlock {

    String message() default "'${validatedValue}' is not an IP address or CIDR block in standard form: IPv4 as four"
            + " decimal numbers without leading zeros, IPv6 as RFC 4291 writes it, a plain decimal prefix length"
            + " (10.0.0.0/8, 192.168.1.7, 2001:db8::/32)";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<IpBlock, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || IpRanges.parseBlock(value).isPresent();
        }
    }
}
