package io.sluice.internal.config;

import io.sluice.SluiceException;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One configuration key, declared once: its name, documentation, default, parser and validator.
 *
 * @param name the key, for example {@code sluice.streaming.blockInterval}
 * @param doc what it controls, shown in errors and the README
 * @param defaultValue the default as text (parsed like a user value), or {@code null} if none
 * @param parser turns the text into a value; throws on malformed text
 * @param validator accepts valid values
 * @param validDescription what a valid value is, for the error message
 */
public record ConfigKey<T>(String name, String doc, String defaultValue, Function<String, T> parser,
                           Predicate<T> validator, String validDescription) {

    /** Parses and validates {@code text}; a bad value gives an error naming the key and the fix. */
    public T parse(String text) {
        T value;
        try {
            value = parser.apply(text.trim());
        } catch (RuntimeException e) {
            throw new SluiceException("Invalid value [" + text + "] for configuration key [" + name
                    + "]: expected " + validDescription + " (" + doc + ")", e);
        }
        if (!validator.test(value)) {
            throw new SluiceException("Invalid value [" + text + "] for configuration key [" + name
                    + "]: expected " + validDescription + " (" + doc + ")");
        }
        return value;
    }
}
