package io.sluice.internal.config;

import io.sluice.SluiceException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses a master URL ({@code local}, {@code local[n]}, {@code local[*]}) into a thread count. */
public final class MasterUrl {
    private static final Pattern LOCAL_N = Pattern.compile("local\\[(\\d+|\\*)]");

    private MasterUrl() {
    }

    static boolean isValid(String master) {
        if (master.equals("local")) {
            return true;
        }
        Matcher m = LOCAL_N.matcher(master);
        return m.matches() && (m.group(1).equals("*") || Integer.parseInt(m.group(1)) >= 1);
    }

    /** The number of task threads {@code master} asks for. */
    public static int threads(String master) {
        if (master.equals("local")) {
            return 1;
        }
        Matcher m = LOCAL_N.matcher(master);
        if (!m.matches()) {
            throw new SluiceException("Unsupported master [" + master
                    + "]: Sluice runs in one JVM; use local, local[n] or local[*]");
        }
        return m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors()
                : Integer.parseInt(m.group(1));
    }
}
