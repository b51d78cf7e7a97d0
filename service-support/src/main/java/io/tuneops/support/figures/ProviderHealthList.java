package io.tuneops.support.figures;

import java.util.List;

/** webhook-service's {@code GET /internal/providers/health} (SharedNames.INTERNAL_PROVIDER_HEALTH), read by metrics-service. */
public record ProviderHealthList(List<ProviderHealth> providers) {
}
