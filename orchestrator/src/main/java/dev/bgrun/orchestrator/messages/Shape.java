package dev.bgrun.orchestrator.messages;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What the JSON Schema of a message's field says beyond its Java type, read by the schema generator
 * ({@code schema.Generated}). Descriptions are Jackson's {@code @JsonPropertyDescription}; a field that is
 * left out when null is {@code @JsonInclude(NON_NULL)}, and the schema makes it optional.
 */
public final class Shape {
    private Shape() {
    }

    /** The field is always there and may be null. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
    public @interface Nullable {
    }

    /** The least value of a number. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
    public @interface Min {
        long value();
    }

    /** The field always holds this one value: a string (the {@code type} of a stream item), or true or false. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
    public @interface Const {
        String value();
    }

    /** A stream item whose {@code type} property always holds this value (in a component it has, or unwraps). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    public @interface Tagged {
        String value();
    }

    /** One of these strings. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
    public @interface Values {
        String[] value();
    }

    /** A string (or map, or list) whose values are of a kind the code knows: its pattern or enumeration. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER})
    public @interface Of {
        Kind value();
    }

    /** The kinds of values {@link Of} names; for a map or a list, the kind of its values. */
    public enum Kind {
        /** A job id: 10 hex digits. */
        JOB_ID,
        /** A job's name, as the project file allows it. */
        JOB_NAME,
        /** A workspace name. */
        WORKSPACE,
        /** A job state's keyword. */
        STATE,
        /** An ISO 8601 instant, as bgrun prints times. */
        TIME,
        /** A TCP port, 1 to 65535. */
        PORT,
        /** An output stream: stdout or stderr. */
        STREAM,
        /** A job's command: a string (run by /bin/sh -c) or an array (executed directly). */
        CMD,
        /** An event cursor: a whole number as a string. */
        CURSOR
    }
}
