package hast.api.storage;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * The {@link LocalProviderFactory#KIND} service property of a local provider factory, checked by
 * the compiler: {@code @Component @HastLocalKind("s3")}. @since 1.2
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface HastLocalKind {
    /** The kinds of {@code local} served: {@code file}, {@code block} or URI schemes. */
    String[] value();
}
