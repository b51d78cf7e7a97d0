package io.tuneops.gateway.config;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A configured list (TUNEOPS_CLIENT_IP_TRUSTED_PROXIES) with a bad entry fails the start naming the entry. */
class IpBlockTest {

    record Proxies(List<@IpBlock String> entries) {
    }

    @Test
    void theRefusalNamesTheEntry() {
        try (var factory = Validation.buildDefaultValidatorFactory()) {
            Validator validator = factory.getValidator();
            Set<ConstraintViolation<Proxies>> violations =
                    validator.validate(new Proxies(List.of("10.0.0.0/8", "0177.0.0.1", "192.168.0.0/016")));
            assertEquals(2, violations.size(), violations.toString());
            List<String> messages = violations.stream().map(ConstraintViolation::getMessage).sorted().toList();
            assertTrue(messages.get(0).startsWith("'0177.0.0.1' is not an IP address or CIDR block in standard form"),
                    messages.get(0));
            assertTrue(messages.get(1).startsWith("'192.168.0.0/016' is not"), messages.get(1));
            assertTrue(validator.validate(new Proxies(List.of("10.0.0.0/8", "2001:db8::/32"))).isEmpty());
        }
    }
}
