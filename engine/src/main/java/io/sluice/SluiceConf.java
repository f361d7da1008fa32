package io.sluice;

import io.sluice.internal.config.ConfigKey;
import java.io.Serializable;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The configuration of a Sluice application: string keys and values, as Spark's
 * {@code SparkConf}. Keys are documented in the README and declared in one place
 * ({@code io.sluice.internal.config.StreamingConfig}).
 *
 * <p>System properties starting with {@code sluice.} are loaded when the conf is created, so a
 * launcher can set keys with {@code -Dsluice.key=value}; values set in code win.
 *
 * <p>Not thread-safe; a context copies it when it is created.
 */
public final class SluiceConf implements Serializable {
    private static final long serialVersionUID = 1L;

    private final TreeMap<String, String> settings = new TreeMap<>();

    /** A conf holding every {@code sluice.*} system property. */
    public SluiceConf() {
        this(true);
    }

    /** A conf holding the {@code sluice.*} system properties if {@code loadDefaults}. */
    public SluiceConf(boolean loadDefaults) {
        if (loadDefaults) {
            System.getProperties().forEach((k, v) -> {
                if (k.toString().startsWith("sluice.")) {
                    settings.put(k.toString(), v.toString());
                }
            });
        }
    }

    /** Sets where tasks run: {@code local}, {@code local[n]} or {@code local[*]}. */
    public SluiceConf setMaster(String master) {
        return set("sluice.master", master);
    }

    /** Sets the application's name. */
    public SluiceConf setAppName(String name) {
        return set("sluice.app.name", name);
    }

    /** Sets {@code key} to {@code value}. */
    public SluiceConf set(String key, String value) {
        if (key == null || value == null) {
            throw new NullPointerException("null key or value: " + key + "=" + value);
        }
        settings.put(key, value);
        return this;
    }

    /** Sets {@code key} to {@code value} only if it is not set. */
    public SluiceConf setIfMissing(String key, String value) {
        settings.putIfAbsent(key, value);
        return this;
    }

    /** The value of {@code key}, or {@code defaultValue}. */
    public String get(String key, String defaultValue) {
        return settings.getOrDefault(key, defaultValue);
    }

    /** The value of {@code key}. */
    public Optional<String> getOption(String key) {
        return Optional.ofNullable(settings.get(key));
    }

    /** Whether {@code key} is set. */
    public boolean contains(String key) {
        return settings.containsKey(key);
    }

    /** A copy of all settings. */
    public Map<String, String> getAll() {
        return new TreeMap<>(settings);
    }

    /** A copy of this conf. */
    public SluiceConf copy() {
        SluiceConf c = new SluiceConf(false);
        c.settings.putAll(settings);
        return c;
    }

    /** The parsed value of {@code key}, or its parsed default; empty if neither is set. */
    public <T> Optional<T> get(ConfigKey<T> key) {
        String v = settings.get(key.name());
        if (v == null) {
            v = key.defaultValue();
        }
        return v == null ? Optional.empty() : Optional.of(key.parse(v));
    }

    /** The parsed value of a key that has a default. */
    public <T> T getRequired(ConfigKey<T> key) {
        return get(key).orElseThrow(() -> new SluiceException(
                "Configuration key [" + key.name() + "] is not set: " + key.doc()));
    }

    @Override
    public String toString() {
        return "SluiceConf" + settings;
    }
}
