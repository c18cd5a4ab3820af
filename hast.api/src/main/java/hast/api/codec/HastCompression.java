package hast.api.codec;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * The {@link Compressor#NAME} service property of a compressor component, checked by the compiler:
 * {@code @Component @HastCompression("lzf")}. The name is what hast.conf's {@code compression}
 * and the wire use. @since 1.1
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface HastCompression {
    String value();
}
