package io.tuneops.console.client;

import org.junit.jupiter.api.Test;

import javax.xml.stream.XMLStreamException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StorageApiTest {

    @Test
    void aListingIsReadAsObjects() throws XMLStreamException {
        StorageApi.Listing listing = StorageApi.parse("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>outputs</Name>"
                + "<Prefix>job-1/</Prefix><IsTruncated>true</IsTruncated>"
                + "<Contents><Key>job-1/a &amp; b.bin</Key><LastModified>2026-11-22T09:04:00.000Z</LastModified>"
                + "<ETag>\"x\"</ETag><Size>42</Size></Contents>"
                + "<Contents><Key>job-1/c</Key><Size>7</Size></Contents></ListBucketResult>");
        assertEquals(List.of(new StorageApi.StoredObject("job-1/a & b.bin", 42, "2026-11-22T09:04:00.000Z"),
                new StorageApi.StoredObject("job-1/c", 7, null)), listing.objects());
        assertTrue(listing.truncated());
    }

    @Test
    void aDocumentTypeIsRefused() {
        assertThrows(XMLStreamException.class, () -> StorageApi.parse("<?xml version=\"1.0\"?><!DOCTYPE x ["
                + "<!ENTITY e SYSTEM \"file:///etc/passwd\">]><ListBucketResult><Contents><Key>&e;</Key></Contents>"
                + "</ListBucketResult>"));
    }

    @Test
    void pathSegmentsAreEncodedOneByOne() {
        assertEquals("job%201", Query.segment("job 1"));
        assertEquals("a%2Fb", Query.segment("a/b"));
        assertEquals("?a=1&b=x+y&c=1&c=2", Query.of().add("a", "1").add("b", "x y").add("skip", " ").add("c", List.of("1", "2"))
                .toString());
        assertEquals("", Query.of().add("a", (String) null).toString());
    }
}
