package hast.api.codec;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * The {@link Checksum#NAME} service property of a checksum component, checked by the compiler:
 * {@code @Component @HastChecksum("crc32")}. The name is what hast.conf's {@code checksum}
 * and the wire use. @since 1.1
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface HastChecksum {
    String value();
}
