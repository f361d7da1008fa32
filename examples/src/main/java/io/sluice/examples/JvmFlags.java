package io.sluice.examples;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * The JVM flags Sluice needs (Chronicle Queue's {@code --add-opens}/{@code --add-exports} on
 * Java 17, and {@code -Dchronicle.analytics.disable=true}), taken from the root pom's
 * {@code sluice.jvm.flags} at build time, and helpers to start child JVMs with them.
 */
public final class JvmFlags {
    private JvmFlags() {
    }

    /** The flags, one per element, as the build declares them. */
    public static List<String> required() {
        Properties p = new Properties();
        try (InputStream in = JvmFlags.class.getResourceAsStream("jvm-flags.properties")) {
            if (in == null) {
                throw new IllegalStateException(
                        "jvm-flags.properties is missing from the examples jar: rebuild it with Maven");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String flags = p.getProperty("flags", "").trim();
        if (flags.isEmpty() || flags.contains("${")) {
            throw new IllegalStateException(
                    "jvm-flags.properties was not filtered by Maven: rebuild the examples module");
        }
        return List.of(flags.split("\\s+"));
    }

    /** Whether this JVM was started with the flags Chronicle Queue needs. */
    public static boolean present() {
        Module me = JvmFlags.class.getModule();
        return Object.class.getModule().isOpen("sun.nio.ch", me)
                && Object.class.getModule().isOpen("java.lang.reflect", me);
    }

    /** The {@code java} executable of this JVM. */
    public static String javaExecutable() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The class path of this application: the URLs of the context class loader when it is a
     * URLClassLoader (as under {@code mvn exec:java}), then {@code java.class.path}.
     */
    public static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        while (cl != null) {
            if (cl instanceof URLClassLoader u) {
                for (URL url : u.getURLs()) {
                    if (url.getProtocol().equals("file")) {
                        try {
                            entries.add(Paths.get(url.toURI()).toString());
                        } catch (java.net.URISyntaxException e) {
                            entries.add(url.getPath());
                        }
                    }
                }
            }
            cl = cl.getParent();
        }
        entries.addAll(Arrays.asList(System.getProperty("java.class.path", "").split(File.pathSeparator)));
        entries.remove("");
        return String.join(File.pathSeparator, entries);
    }

    /**
     * A command line running {@code mainClass} with {@code args} in a new JVM with the required
     * flags, this application's class path and the given extra JVM options.
     */
    public static List<String> javaCommand(String mainClass, List<String> jvmOptions, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable());
        cmd.addAll(required());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }
}
