package io.sluice.internal.storage.serde;

import com.esotericsoftware.kryo.Kryo;

/**
 * Registers application classes and custom serializers with Kryo, for types Kryo cannot
 * handle on its own or to make their encoding smaller.
 *
 * <p>Named by the configuration key {@code sluice.kryo.registrator}; the class needs a public
 * no-arg constructor. {@link #registerClasses} is called once for every pooled Kryo instance,
 * possibly from several threads at once, so it must not share mutable state.
 *
 * <pre>{@code
 * public final class MyRegistrator implements KryoRegistrator {
 *     public void registerClasses(Kryo kryo) {
 *         kryo.register(Money.class, new MoneySerializer());
 *     }
 * }
 * }</pre>
 *
 * <p>Every process that reads bytes must register the same classes in the same order as the
 * process that wrote them (registration ids are positional).
 */
@FunctionalInterface
public interface KryoRegistrator {

    /** Registers classes and serializers with {@code kryo}. */
    void registerClasses(Kryo kryo);
}
