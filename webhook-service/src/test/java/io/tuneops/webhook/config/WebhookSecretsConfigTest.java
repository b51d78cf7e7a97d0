package io.tuneops.webhook.config;

import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.validator.BeanValidationConfigValidator;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The configured default signing secrets are checked at start-up; the failure names the setting, never the value. */
class WebhookSecretsConfigTest {

    private static SmallRyeConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder()
                .withMapping(WebhookSecretsConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .withValidator(new BeanValidationConfigValidator() {
                    @Override
                    public Validator getValidator() {
                        return Validation.byDefaultProvider().configure()
                                .messageInterpolator(new ParameterMessageInterpolator()).buildValidatorFactory().getValidator();
                    }
                })
                .build();
    }

    @Test
    void validSecretsAreTheDefaultsOfTheirProviders() {
        WebhookSecretsConfig secrets = config(Map.of("tuneops.webhooks.secrets.generic",
                "whsec_3pJn6jJpNw35GU5pge+dWN4aYNfTNo2tbVkHffUlW+Y=")).getConfigMapping(WebhookSecretsConfig.class);
        assertEquals("whsec_3pJn6jJpNw35GU5pge+dWN4aYNfTNo2tbVkHffUlW+Y=", secrets.of("generic").orElseThrow());
        assertTrue(secrets.of("replicate").isEmpty());
        assertTrue(secrets.of("other").isEmpty());
    }

    @Test
    void aMalformedSecretStopsStartUpNamingTheSettingOnly() {
        for (String bad : new String[]{"not-a-secret-value-1234567890", "whsec_dG9vc2hvcnQ=", "whsec_%%%%invalid-base64%%%%"}) {
            ConfigValidationException e = assertThrows(ConfigValidationException.class,
                    () -> config(Map.of("tuneops.webhooks.secrets.replicate", bad)));
            String message = e.getMessage();
            assertTrue(message.contains("tuneops.webhooks.secrets.replicate must be a Standard Webhooks secret"), message);
            assertFalse(message.contains(bad), "the value is not printed: " + message);
            assertFalse(message.contains(bad.substring(Math.min(6, bad.length()))), "nor its key material: " + message);
        }
    }
}
