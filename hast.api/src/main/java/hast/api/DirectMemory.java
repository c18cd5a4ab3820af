package hast.api;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;

/**
 * Frees a direct buffer at once. The JDK frees one only when the collector finds it unreachable,
 * and an idle daemon hardly collects: the buffers a load left would stay resident for good. The
 * JDK's own way ({@code sun.misc.Unsafe.invokeCleaner}) is looked up, not linked, so that a
 * framework that does not export {@code sun.misc} still runs this bundle, leaving the buffers to
 * the collector.
 */
public final class DirectMemory {
    private static final MethodHandle INVOKE_CLEANER = invokeCleaner();

    private DirectMemory() {
    }

    /** Frees {@code buffer}, which nothing may use afterwards: it must be a direct buffer as made, no view of one. */
    public static void free(ByteBuffer buffer) {
        if (INVOKE_CLEANER == null) {
            return;
        }
        try {
            INVOKE_CLEANER.invokeExact(buffer);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private static MethodHandle invokeCleaner() {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            return MethodHandles.lookup()
                    .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
                    .bindTo(theUnsafe.get(null));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
