package io.tuneops.storage.s3;

import java.util.EnumSet;
import java.util.Set;

/** What GetObjectAttributes may be asked for in {@code x-amz-object-attributes}, by the names S3 uses. */
public enum ObjectAttribute {
    ETAG("ETag"), CHECKSUM("Checksum"), OBJECT_PARTS("ObjectParts"), STORAGE_CLASS("StorageClass"), OBJECT_SIZE("ObjectSize");

    private final String wireName;

    ObjectAttribute(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /**
     * The attributes a request asks for: the header may repeat and each value is a comma-separated
     * list; none, or a name S3 does not have, is 400 InvalidArgument as S3 answers it.
     */
    public static Set<ObjectAttribute> parse(Iterable<String> headerValues) {
        Set<ObjectAttribute> out = EnumSet.noneOf(ObjectAttribute.class);
        for (String header : headerValues) {
            for (String name : header.split(",")) {
                String n = name.trim();
                if (n.isEmpty()) {
                    continue;
                }
                out.add(byWireName(n));
            }
        }
        if (out.isEmpty()) {
            throw S3Exception.invalidArgument("The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty");
        }
        return out;
    }

    private static ObjectAttribute byWireName(String name) {
        for (ObjectAttribute a : values()) {
            if (a.wireName.equalsIgnoreCase(name)) {
                return a;
            }
        }
        throw S3Exception.invalidArgument("Invalid attribute name specified.");
    }
}
