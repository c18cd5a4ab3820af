package hast.api.replication;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.osgi.service.component.annotations.ComponentPropertyType;

/**
 * The {@link ReplicationMode#NAME} service property of a mode component, checked by the compiler:
 * {@code @Component @HastReplication("memsync")}. The name is what hast.conf's
 * {@code replication} uses. @since 1.1
 */
@ComponentPropertyType
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface HastReplication {
    String value();
}
