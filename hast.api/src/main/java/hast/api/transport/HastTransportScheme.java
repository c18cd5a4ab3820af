package hast.api.transport;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * The {@link Transport#SCHEME} service property of a transport component, checked by the
 * compiler: {@code @Component @HastTransportScheme({"tcp", "tcp4", "tcp6"})}. @since 1.2
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface HastTransportScheme {
    /** The {@link hast.api.HastAddress.Scheme} labels served. */
    String[] value();
}
