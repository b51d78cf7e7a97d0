package io.tuneops.system;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An approval rule holds a priced job through the gateway: the job waits as pending_approval
 * without reaching the provider, an operator without the rule's approver role is refused, an admin
 * approves, and the fake Replicate sees exactly one training; a second approval changes nothing.
 */
@ExtendWith(Suite.Extension.class)
class ApprovalsIT {

    private static final String VERSION = "acme/flux-dev:5c7d5dc6dd8bf75c1acaa8565735e7986bc5b66206b55cca93cb72c9bf15ccaa";
    private final Suite suite = Suite.Extension.suite();
    /** This test's own client address (the suite's gateway trusts the loopback proxy): its own rate-limit windows. */
    private final String client = "198.51.100." + (1 + new Random().nextInt(250));

    private Http.Reply call(String method, String path, String body, String key) {
        return Http.request(method, suite.gateway(path), body, "Authorization", "Bearer " + key,
                "Content-Type", "application/json", "X-Forwarded-For", client);
    }

    private String key(String scope) {
        Http.Reply created = call("POST", "/api/auth/api-keys",
                "{\"name\":\"approvals system test " + scope + "\",\"scopes\":[\"" + scope + "\"]}", Suite.ADMIN_TOKEN);
        assertEquals(201, created.status(), created.body());
        return created.json().get("key").asText();
    }

    @Test
    void aPricedJobWaitsForAnAdminAndReachesTheProviderOnce() throws Exception {
        try (FakeReplicate replicate = new FakeReplicate()) {
            Http.Reply configured = call("PUT", "/api/cloud/providers/replicate", "{\"api_base_url\": \"" + replicate.url()
                    + "\", \"api_token\": \"r8_approvals_system_test_0123456789\", \"hardware_prices\": {\"gpu-apr-h100\": 0.01}}",
                    Suite.ADMIN_TOKEN);
            assertEquals(200, configured.status(), configured.body());
            String operator = key("operator");
            String otherOperator = key("operator");

            Http.Reply rule = call("POST", "/api/approvals/rules", "{\"name\": \"priced runs\", \"condition\": \"cost_exceeds\","
                    + " \"threshold\": \"1\", \"applies_to_provider\": \"replicate\", \"required_approver_level\": \"admin\"}",
                    Suite.ADMIN_TOKEN);
            assertEquals(201, rule.status(), rule.body());
            String ruleId = rule.json().get("id").asText();
            try {
                assertEquals(403, call("POST", "/api/approvals/rules", "{\"name\": \"x\", \"condition\": \"first_job\"}", operator)
                        .status());
                assertEquals(200, call("GET", "/api/approvals/rules", null, operator).status());

                // $0.01 a second for at most 600 s: $6, above the rule's $1
                Http.Reply submitted = call("POST", "/api/cloud/jobs/submit", "{\"provider\": \"replicate\", \"version\": \""
                        + VERSION + "\", \"destination\": \"acme/lora\", \"input\": {\"steps\": 100}, \"hardware\": \"gpu-apr-h100\","
                        + " \"max_run_seconds\": 600}", operator);
                assertEquals(202, submitted.status(), submitted.body());
                assertEquals("pending_approval", submitted.json().get("status").asText());
                String jobId = submitted.json().get("job_id").asText();
                String request = submitted.json().get("approval_request_id").asText();
                assertEquals("pending_approval", call("GET", "/api/cloud/jobs/" + jobId, null, operator).json().get("status").asText());
                assertEquals(0, replicate.trainingsCreated().size(), "a held job has not reached the provider");
                JsonNode pending = call("GET", "/api/approvals/requests/" + request, null, operator).json();
                assertEquals("admin", pending.get("required_approver_level").asText());
                assertEquals(6.0, pending.get("estimated_cost").asDouble(), 1e-9);

                Http.Reply refused = call("POST", "/api/approvals/requests/" + request + "/approve", "{}", otherOperator);
                assertEquals(403, refused.status(), refused.body());
                assertTrue(refused.json().get("detail").asText().contains("needs the admin role"), refused.body());
                assertEquals(0, replicate.trainingsCreated().size());

                Http.Reply approved = call("POST", "/api/approvals/requests/" + request + "/approve",
                        "{\"notes\": \"within budget\"}", Suite.ADMIN_TOKEN);
                assertEquals(200, approved.status(), approved.body());
                assertEquals("approved", approved.json().get("request").get("status").asText());
                JsonNode job = call("GET", "/api/cloud/jobs/" + jobId, null, operator).json();
                assertEquals("queued", job.get("status").asText(), job.toString());
                assertEquals(1, replicate.trainingsCreated().size(), "the provider sees the approved job exactly once");

                Http.Reply again = call("POST", "/api/approvals/requests/" + request + "/approve", "{}", Suite.ADMIN_TOKEN);
                assertEquals(409, again.status(), again.body());
                assertEquals(1, replicate.trainingsCreated().size());

                // the decision is in the audit trail with its actor and notes
                JsonNode audit;
                long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                do {
                    audit = Http.get(suite.gateway("/api/audit?event_type=approval.approved&limit=100")).json();
                } while (!audit.toString().contains(request) && System.nanoTime() < deadline);
                assertTrue(audit.toString().contains(request) && audit.toString().contains("within budget"), audit.toString());
            } finally {
                assertEquals(200, call("DELETE", "/api/approvals/rules/" + ruleId, null, Suite.ADMIN_TOKEN).status());
            }
        }
    }
}
