package io.tuneops.storage.s3;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** S3 XML out (a small builder) and in (the few request bodies S3 has, parsed without DTDs or entities). */
public final class S3Xml {

    public static final String NS = "http://s3.amazonaws.com/doc/2006-03-01/";
    private static final DateTimeFormatter ISO_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");
    private static final XMLInputFactory INPUT = XMLInputFactory.newFactory();

    static {
        INPUT.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        INPUT.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        INPUT.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        INPUT.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
    }

    public static final String DECLARATION = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    private final StringBuilder out = new StringBuilder(512);

    private S3Xml() {
    }

    public static S3Xml root(String name) {
        S3Xml x = new S3Xml();
        x.out.append(DECLARATION).append('<').append(name).append(" xmlns=\"").append(NS).append("\">");
        return x;
    }

    /** A root element without namespace or XML declaration (errors; the declaration is added by the caller). */
    public static S3Xml bare(String name) {
        S3Xml x = new S3Xml();
        x.out.append('<').append(name).append('>');
        return x;
    }

    public S3Xml open(String name) {
        out.append('<').append(name).append('>');
        return this;
    }

    public S3Xml close(String name) {
        out.append("</").append(name).append('>');
        return this;
    }

    public S3Xml el(String name, Object value) {
        if (value != null) {
            out.append('<').append(name).append('>');
            escape(String.valueOf(value));
            out.append("</").append(name).append('>');
        }
        return this;
    }

    public String end(String rootName) {
        return close(rootName).out.toString();
    }

    private void escape(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> {
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                        out.append("&#").append((int) c).append(';');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }

    public static String time(OffsetDateTime t) {
        return ISO_MILLIS.format(t.withOffsetSameInstant(ZoneOffset.UTC));
    }

    public static String time(Instant t) {
        return ISO_MILLIS.format(t.atOffset(ZoneOffset.UTC));
    }

    public static String quoted(String etag) {
        return "\"" + etag + "\"";
    }

    /**
     * A flat reading of an S3 request body: for each element named {@code item} under the root,
     * its child elements' text (e.g. Part -> PartNumber, ETag). Root-level scalar children are
     * returned under the key "" (e.g. Quiet).
     */
    public static List<Map<String, String>> items(byte[] body, String rootName, String item) {
        List<Map<String, String>> out = new ArrayList<>();
        Map<String, String> rootValues = new LinkedHashMap<>();
        out.add(rootValues);
        try {
            XMLStreamReader r = INPUT.createXMLStreamReader(new ByteArrayInputStream(body));
            int depth = 0;
            Map<String, String> current = null;
            String field = null;
            StringBuilder text = new StringBuilder();
            boolean sawRoot = false;
            while (r.hasNext()) {
                int ev = r.next();
                if (ev == XMLStreamConstants.START_ELEMENT) {
                    depth++;
                    String name = r.getLocalName();
                    if (depth == 1) {
                        if (!name.equals(rootName)) {
                            throw S3Exception.malformedXml();
                        }
                        sawRoot = true;
                    } else if (depth == 2 && name.equals(item)) {
                        current = new LinkedHashMap<>();
                        out.add(current);
                    } else if (depth == 2 || depth == 3) {
                        field = name;
                        text.setLength(0);
                    }
                } else if (ev == XMLStreamConstants.CHARACTERS || ev == XMLStreamConstants.CDATA) {
                    if (field != null) {
                        text.append(r.getText());
                    }
                } else if (ev == XMLStreamConstants.END_ELEMENT) {
                    if (depth == 3 && current != null && field != null) {
                        current.put(field, text.toString().trim());
                        field = null;
                    } else if (depth == 2 && field != null) {
                        rootValues.put(field, text.toString().trim());
                        field = null;
                    } else if (depth == 2) {
                        current = null;
                    }
                    depth--;
                }
            }
            if (!sawRoot) {
                throw S3Exception.malformedXml();
            }
        } catch (XMLStreamException e) {
            throw S3Exception.malformedXml();
        }
        return out;
    }
}
