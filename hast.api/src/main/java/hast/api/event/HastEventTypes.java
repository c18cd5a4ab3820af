package hast.api.event;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * The {@link HastEventListener#TYPES} service property of a listener component: only events of
 * these types are delivered, e.g. {@code @Component @HastEventTypes({HastEvent.SPLIT_BRAIN})}.
 * @since 1.4
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface HastEventTypes {
    String[] value();
}
