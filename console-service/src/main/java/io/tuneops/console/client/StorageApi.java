package io.tuneops.console.client;

import io.smallrye.mutiny.Uni;
import io.tuneops.console.config.ConsoleConfig;
import jakarta.enterprise.context.ApplicationScoped;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

/**
 * A job's outputs in storage-service's S3 API: a ListObjectsV2 of the job's prefix, read with the
 * visitor's vouched identity (any scope reads outputs, docs/storage.md). Downloads go from the
 * browser to the same API through the gateway, with the session cookie.
 */
@ApplicationScoped
public class StorageApi {

    static final String STORAGE = "/api/cloud/storage";
    static final int MAX_KEYS = 1000;

    public record StoredObject(String key, long size, String last_modified) {
    }

    /** @param truncated more objects than listed exist */
    public record Listing(List<StoredObject> objects, boolean truncated) {
    }

    // a factory is not guaranteed to be thread-safe: one per event-loop thread
    private static final ThreadLocal<XMLInputFactory> XML = ThreadLocal.withInitial(StorageApi::secureFactory);

    private final OwnerClient owners;
    private final String bucket;

    public StorageApi(OwnerClient owners, ConsoleConfig config) {
        this.owners = owners;
        this.bucket = config.outputsBucket();
    }

    private static XMLInputFactory secureFactory() {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        // answers are S3 XML without a DTD: refuse any, and never fetch an entity
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        return factory;
    }

    public Uni<Answer<Listing>> outputs(Caller caller, String jobId) {
        String query = Query.of().add("list-type", "2").add("prefix", jobId + "/").add("max-keys", String.valueOf(MAX_KEYS))
                .toString();
        return owners.getText(Owner.STORAGE, STORAGE + "/" + Query.segment(bucket) + query, caller).map(reply -> {
            if (!reply.ok()) {
                return new Answer.Problem<Listing>(reply.status(), ApiProblem.of(s3Error(reply.body(), reply.status())));
            }
            try {
                return new Answer.Ok<>(reply.status(), parse(reply.body()));
            } catch (XMLStreamException e) {
                throw new OwnerUnavailable(Owner.STORAGE, "it answered a listing that is not S3 XML");
            }
        });
    }

    /** The browser's download URL of one object, through the gateway (same origin). */
    public String downloadPath(String key) {
        StringBuilder path = new StringBuilder(STORAGE).append('/').append(Query.segment(bucket));
        for (String part : key.split("/", -1)) {
            path.append('/').append(Query.segment(part));
        }
        return path.toString();
    }

    /** The objects of an S3 ListObjectsV2 answer. */
    static Listing parse(String body) throws XMLStreamException {
        List<StoredObject> objects = new ArrayList<>();
        boolean truncated = false;
        XMLStreamReader reader = XML.get().createXMLStreamReader(new StringReader(body));
        try {
            String key = null;
            long size = 0;
            String modified = null;
            while (reader.hasNext()) {
                if (reader.next() != XMLStreamReader.START_ELEMENT) {
                    if (reader.getEventType() == XMLStreamReader.END_ELEMENT && "Contents".equals(reader.getLocalName())
                            && key != null) {
                        objects.add(new StoredObject(key, size, modified));
                        key = null;
                        size = 0;
                        modified = null;
                    }
                    continue;
                }
                switch (reader.getLocalName()) {
                    case "Key" -> key = reader.getElementText();
                    case "Size" -> size = parseSize(reader.getElementText());
                    case "LastModified" -> modified = reader.getElementText();
                    case "IsTruncated" -> truncated = Boolean.parseBoolean(reader.getElementText().trim());
                    default -> {
                        // other elements of the listing are not shown
                    }
                }
            }
        } finally {
            reader.close();
        }
        return new Listing(objects, truncated);
    }

    private static long parseSize(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** S3's {@code <Message>}, or the status when there is none. */
    private static String s3Error(String body, int status) {
        int start = body.indexOf("<Message>");
        int end = body.indexOf("</Message>");
        if (start >= 0 && end > start) {
            return "storage-service: " + body.substring(start + "<Message>".length(), end);
        }
        return "storage-service answered HTTP " + status;
    }
}
