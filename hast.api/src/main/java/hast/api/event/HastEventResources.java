package hast.api.event;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * The {@link HastEventListener#RESOURCES} service property of a listener component: only events
 * of these resources are delivered, e.g. {@code @Component @HastEventResources({"r0"})}. @since 1.4
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface HastEventResources {
    String[] value();
}
