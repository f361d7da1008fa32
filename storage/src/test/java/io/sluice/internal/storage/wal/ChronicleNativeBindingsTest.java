package io.sluice.internal.storage.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** jnr-ffi's reflective bindings are the default, and a value the user set is kept. */
class ChronicleNativeBindingsTest {

    @Test
    void setsReflectiveBindingsOnlyWhenUnset() {
        String before = System.getProperty(ChronicleNativeBindings.JNR_ASM_PROPERTY);
        try {
            System.clearProperty(ChronicleNativeBindings.JNR_ASM_PROPERTY);
            ChronicleNativeBindings.configure();
            assertEquals("false", System.getProperty(ChronicleNativeBindings.JNR_ASM_PROPERTY));

            System.setProperty(ChronicleNativeBindings.JNR_ASM_PROPERTY, "true");
            ChronicleNativeBindings.configure();
            assertEquals("true", System.getProperty(ChronicleNativeBindings.JNR_ASM_PROPERTY), "the user's value wins");
        } finally {
            if (before == null) {
                System.clearProperty(ChronicleNativeBindings.JNR_ASM_PROPERTY);
            } else {
                System.setProperty(ChronicleNativeBindings.JNR_ASM_PROPERTY, before);
            }
        }
    }

    @Test
    void loadingTheWriteAheadLogSetsItBeforeChronicleStarts() throws Exception {
        Class.forName(ChronicleWriteAheadLog.class.getName(), true, getClass().getClassLoader());
        // Set by the log's class initializer (the build's command line does not set it).
        assertEquals("false", System.getProperty(ChronicleNativeBindings.JNR_ASM_PROPERTY));
    }
}
