package io.tuneops.support.audit;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Map;

/**
 * What an audit event records beyond who did what to which target: the event's {@code details}
 * JSON object. Normally a record per event type, whose component names are the JSON field names;
 * {@link #of(Map)} for details whose fields are only known at run time (a change listing the
 * settings it touched). Never secrets.
 */
public interface AuditDetails {

    /** No details: {@code {}}. */
    AuditDetails NONE = of(Map.of());

    /** Details assembled at run time: the map's entries, in its iteration order, are the fields. */
    static AuditDetails of(Map<String, ?> fields) {
        return new Fields(fields);
    }

    /** Free-form details, written as the map itself. */
    record Fields(Map<String, ?> fields) implements AuditDetails {

        @JsonValue
        @Override
        public Map<String, ?> fields() {
            return fields;
        }
    }
}
