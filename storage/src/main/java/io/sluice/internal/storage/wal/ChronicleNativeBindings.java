package io.sluice.internal.storage.wal;

/**
 * How Chronicle's native calls are bound, set before any Chronicle class is initialized.
 *
 * <p>Chronicle Core's {@code Jvm} class binds the POSIX functions it uses ({@code msync} for
 * durable appends, {@code gettid}) through jnr-ffi when it is initialized, on the first open of
 * a write-ahead log. By default jnr-ffi generates a class per bound function with ASM at run
 * time: about 0.3 s of CPU on a cold JVM, on the critical path of every restart. With
 * {@code jnr.ffi.asm.enabled=false} it binds the same functions through its reflective
 * invoker instead: the same system calls with the same arguments (checked with {@code strace}:
 * {@code msync(addr, len, MS_SYNC)} either way), a few microseconds more per call, and Chronicle
 * calls them once per sync, which costs about half a millisecond of disk time anyway.
 *
 * <p>The property is only set when it is unset: {@code -Djnr.ffi.asm.enabled=true} on the
 * command line keeps jnr-ffi's default. It is read by jnr-ffi once per JVM, so it applies to
 * every jnr-ffi binding of the JVM made after it.
 */
final class ChronicleNativeBindings {

    /** jnr-ffi's switch between generated (ASM) and reflective bindings. */
    static final String JNR_ASM_PROPERTY = "jnr.ffi.asm.enabled";

    private ChronicleNativeBindings() {
    }

    /** Sets {@value #JNR_ASM_PROPERTY} to {@code false} unless the user set it. Idempotent. */
    static void configure() {
        if (System.getProperty(JNR_ASM_PROPERTY) == null) {
            System.setProperty(JNR_ASM_PROPERTY, "false");
        }
    }
}
