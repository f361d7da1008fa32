package io.sluice.internal.storage.serde;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.DefaultSerializers;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;
import com.esotericsoftware.kryo.util.Pool;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.lang.reflect.InvocationTargetException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.ServerSocket;
import java.net.URI;
import java.net.Socket;
import java.nio.channels.Channel;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.AbstractMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.objenesis.strategy.StdInstantiatorStrategy;

/**
 * The {@link Serializer} of Sluice: Kryo 5 with a pool of Kryo instances.
 *
 * <p>Handles, without any registration: {@code null}, strings, boxed primitives, primitive and
 * object arrays, the JDK collections and maps (including {@code List.of}, {@code Arrays.asList}
 * and the {@code Collections} wrappers), {@code Optional}, {@code java.time} values, enums,
 * Java records and plain classes (no no-arg constructor needed). Shared and cyclic references
 * are preserved. Types that hold an operating-system resource ({@link Thread},
 * {@link InputStream}, {@link OutputStream}, {@link Reader}, {@link Writer}, {@link Channel},
 * sockets, class loaders, executors) are refused: a copy of them would not work.
 *
 * <p>Anything else Kryo cannot handle fails with a {@link SerializationException} that names
 * the type and the fix: register a serializer for it in a {@link KryoRegistrator} named by the
 * configuration key {@code sluice.kryo.registrator} (see {@link #withRegistrator}).
 *
 * <p>Format: every output starts with the one-byte {@link #FORMAT_VERSION}. Bytes with a higher
 * version are refused with a message saying a newer Sluice wrote them. The ids under which
 * common JDK classes are registered are part of the format: the list is append-only, and any
 * change to it must bump the version.
 *
 * <p>Thread-safe without locks: each thread keeps its own Kryo instance and input/output
 * buffers for this serializer (see {@link ThreadState}), so the per-value calls of a task
 * (millions per batch on a large state) neither lock nor allocate a Kryo. A nested call on the
 * same thread (a user's Kryo serializer calling back into this one) borrows an instance from a
 * pool instead.
 */
public final class KryoSerializer implements io.sluice.internal.storage.serde.Serializer {

    /** The format version written as the first byte of every output. */
    public static final byte FORMAT_VERSION = 1;

    /** The configuration key naming a {@link KryoRegistrator} class. */
    public static final String REGISTRATOR_CONFIG_KEY = "sluice.kryo.registrator";

    /** First id of Sluice's own registrations; Kryo's built-in ones use 0 to 9. */
    private static final int FIRST_REGISTRATION_ID = 20;

    /**
     * JDK classes registered under fixed ids, so that their name is not written with every
     * value. Append only: the position of a class is its id in the format.
     */
    private static final List<Class<?>> REGISTERED_CLASSES = List.of(
            byte[].class, char[].class, short[].class, int[].class, long[].class,
            float[].class, double[].class, boolean[].class, String[].class, Object[].class,
            ArrayList.class, LinkedList.class, ArrayDeque.class,
            HashMap.class, LinkedHashMap.class, TreeMap.class,
            HashSet.class, LinkedHashSet.class, TreeSet.class,
            Arrays.asList().getClass(),
            Collections.emptyList().getClass(), Collections.emptyMap().getClass(),
            Collections.emptySet().getClass(), Collections.singletonList(0).getClass(),
            Collections.singletonMap(0, 0).getClass(), Collections.singleton(0).getClass(),
            List.of().getClass(), List.of(0).getClass(),
            Set.of().getClass(), Set.of(0).getClass(),
            Map.of().getClass(), Map.of(0, 0).getClass(),
            Optional.class, OptionalInt.class, OptionalLong.class, OptionalDouble.class,
            BigInteger.class, BigDecimal.class, UUID.class,
            Instant.class, Duration.class, LocalDate.class, LocalTime.class, LocalDateTime.class,
            AbstractMap.SimpleEntry.class, AbstractMap.SimpleImmutableEntry.class);

    /** Types that own an operating-system resource: a serialized copy would be a broken object. */
    private static final List<Class<?>> REFUSED_TYPES = List.of(
            Thread.class, ThreadGroup.class, ClassLoader.class, InputStream.class,
            OutputStream.class, Reader.class, Writer.class, Channel.class, Socket.class,
            ServerSocket.class, ExecutorService.class);

    /** Output buffers that grew beyond this are dropped after use rather than pooled. */
    private static final int MAX_POOLED_BUFFER_BYTES = 1 << 20;
    private static final int INITIAL_BUFFER_BYTES = 256;
    private static final byte[] EMPTY = new byte[0];

    private final ClassLoader classLoader;
    private final List<Consumer<Kryo>> registrators;
    private final Pool<Kryo> kryoPool;
    private final Pool<Output> outputPool;
    private final ThreadLocal<ThreadState> threadState = ThreadLocal.withInitial(ThreadState::new);

    /** A serializer using the thread context class loader (else this class's) and no registrator. */
    public KryoSerializer() {
        this(defaultClassLoader(), List.of());
    }

    /**
     * A serializer resolving classes through {@code classLoader}, with {@code registrators}
     * applied in order to every Kryo instance after Sluice's own registrations.
     *
     * @throws SerializationException if a registrator fails (it is tried once here, so a broken
     *     registrator fails at startup rather than at the first record)
     */
    public KryoSerializer(ClassLoader classLoader, List<Consumer<Kryo>> registrators) {
        this.classLoader = Objects.requireNonNull(classLoader, "classLoader");
        this.registrators = List.copyOf(registrators);
        int capacity = Math.max(16, 4 * Runtime.getRuntime().availableProcessors());
        this.kryoPool = new Pool<>(true, false, capacity) {
            @Override
            protected Kryo create() {
                return newKryo();
            }
        };
        this.outputPool = new Pool<>(true, false, capacity) {
            @Override
            protected Output create() {
                return new Output(INITIAL_BUFFER_BYTES, -1);
            }
        };
        kryoPool.free(kryoPool.obtain());
    }

    /**
     * A serializer with the {@link KryoRegistrator} named {@code className} (the value of
     * {@value #REGISTRATOR_CONFIG_KEY}), loaded and instantiated through {@code classLoader}.
     * A {@code null} or blank name means no registrator.
     *
     * @throws SerializationException if the class is missing, does not implement
     *     {@link KryoRegistrator}, has no public no-arg constructor, or fails to register
     */
    /**
     * A serializer with the layers' own registrations ({@code builtIn}, with fixed ids, applied
     * first) and the user's registrator named by {@code sluice.kryo.registrator} (null or blank:
     * none).
     *
     * @throws SerializationException if the user's registrator cannot be loaded
     */
    public static KryoSerializer withRegistrators(ClassLoader classLoader, List<Consumer<Kryo>> builtIn,
                                                  String className) {
        List<Consumer<Kryo>> all = new java.util.ArrayList<>(builtIn);
        if (className != null && !className.isBlank()) {
            KryoRegistrator registrator = instantiateRegistrator(classLoader, className.trim());
            all.add(registrator::registerClasses);
        }
        return new KryoSerializer(classLoader, all);
    }

    public static KryoSerializer withRegistrator(ClassLoader classLoader, String className) {
        if (className == null || className.isBlank()) {
            return new KryoSerializer(classLoader, List.of());
        }
        KryoRegistrator registrator = instantiateRegistrator(classLoader, className.trim());
        return new KryoSerializer(classLoader, List.of(registrator::registerClasses));
    }

    @Override
    public byte[] serialize(Object value) {
        ThreadState state = threadState.get();
        if (state.busy) {
            return serializePooled(value);
        }
        state.busy = true;
        Output output = state.output;
        try {
            Kryo kryo = kryoOf(state);
            output.writeByte(FORMAT_VERSION);
            kryo.writeClassAndObject(output, value);
            return output.toBytes();
        } catch (RuntimeException e) {
            state.kryo = null; // it may hold a half-written graph: never reuse it
            throw serializationFailure(value == null ? "null" : value.getClass().getName(), e);
        } finally {
            state.releaseOutput();
            state.busy = false;
        }
    }

    @Override
    public <T> T deserialize(byte[] bytes) {
        return deserialize(bytes, 0, bytes == null ? 0 : bytes.length);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Reads in place: no copy of the range is made.
     */
    @Override
    @SuppressWarnings("unchecked")
    public <T> T deserialize(byte[] bytes, int offset, int length) {
        checkVersion(bytes, offset, length);
        ThreadState state = threadState.get();
        if (state.busy) {
            return (T) deserializePooled(bytes, offset, length);
        }
        state.busy = true;
        Input input = state.input;
        try {
            Kryo kryo = kryoOf(state);
            input.setBuffer(bytes, offset + 1, length - 1);
            Object value = kryo.readClassAndObject(input);
            checkFullyRead(input, offset + length, length);
            return (T) value;
        } catch (RuntimeException e) {
            state.kryo = null;
            throw deserializationFailure(length, e);
        } finally {
            input.setBuffer(EMPTY); // do not keep the caller's array reachable
            state.busy = false;
        }
    }

    /** The thread's Kryo, created on its first use (or after a failure dropped it). */
    private Kryo kryoOf(ThreadState state) {
        Kryo kryo = state.kryo;
        if (kryo == null) {
            kryo = newKryo();
            state.kryo = kryo;
        }
        return kryo;
    }

    /** {@link #serialize} for a call nested in another on the same thread: a pooled Kryo. */
    private byte[] serializePooled(Object value) {
        Kryo kryo = kryoPool.obtain();
        Output output = outputPool.obtain();
        boolean healthy = false;
        try {
            output.writeByte(FORMAT_VERSION);
            kryo.writeClassAndObject(output, value);
            byte[] bytes = output.toBytes();
            healthy = true;
            return bytes;
        } catch (RuntimeException e) {
            throw serializationFailure(value == null ? "null" : value.getClass().getName(), e);
        } finally {
            release(kryo, output, healthy);
        }
    }

    /** {@link #deserialize(byte[], int, int)} for a call nested in another on the same thread. */
    private Object deserializePooled(byte[] bytes, int offset, int length) {
        Kryo kryo = kryoPool.obtain();
        boolean healthy = false;
        try {
            Input input = new Input(bytes, offset + 1, length - 1);
            Object value = kryo.readClassAndObject(input);
            checkFullyRead(input, offset + length, length);
            healthy = true;
            return value;
        } catch (RuntimeException e) {
            throw deserializationFailure(length, e);
        } finally {
            release(kryo, null, healthy);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Format: the version byte, the record count (variable-length), then the records as one
     * Kryo graph, so that the name of an unregistered class is written once per block rather
     * than once per record.
     */
    @Override
    public byte[] serializeBlock(List<?> records) {
        Objects.requireNonNull(records, "records");
        Kryo kryo = kryoPool.obtain();
        Output output = outputPool.obtain();
        boolean healthy = false;
        String currentType = "java.util.List";
        kryo.setAutoReset(false);
        try {
            output.writeByte(FORMAT_VERSION);
            output.writeVarInt(records.size(), true);
            for (Object record : records) {
                currentType = record == null ? "null" : record.getClass().getName();
                kryo.writeClassAndObject(output, record);
            }
            byte[] bytes = output.toBytes();
            healthy = true;
            return bytes;
        } catch (RuntimeException e) {
            throw serializationFailure(currentType, e);
        } finally {
            kryo.reset();
            kryo.setAutoReset(true);
            release(kryo, output, healthy);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> List<T> deserializeBlock(byte[] bytes) {
        checkVersion(bytes);
        Kryo kryo = kryoPool.obtain();
        boolean healthy = false;
        kryo.setAutoReset(false);
        try {
            Input input = new Input(bytes, 1, bytes.length - 1);
            int count = input.readVarInt(true);
            if (count < 0 || count > bytes.length) {
                throw new SerializationException("Cannot deserialize a block of " + bytes.length
                        + " bytes: it claims [" + count + "] records, so it is corrupt or not"
                        + " a block written by serializeBlock");
            }
            List<Object> records = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                records.add(kryo.readClassAndObject(input));
            }
            checkFullyRead(input, bytes);
            healthy = true;
            return (List<T>) records;
        } catch (RuntimeException e) {
            throw deserializationFailure(bytes, e);
        } finally {
            kryo.reset();
            kryo.setAutoReset(true);
            release(kryo, null, healthy);
        }
    }

    private Kryo newKryo() {
        Kryo kryo = new Kryo();
        kryo.setRegistrationRequired(false);
        kryo.setReferences(true);
        kryo.setClassLoader(classLoader);
        kryo.setInstantiatorStrategy(new DefaultInstantiatorStrategy(new StdInstantiatorStrategy()));
        for (Class<?> refused : REFUSED_TYPES) {
            kryo.addDefaultSerializer(refused, new RefusingSerializer(refused));
        }
        // JDK types whose fields Java 17 does not open to reflection: Kryo ships serializers for
        // them but does not install them by default.
        kryo.addDefaultSerializer(UUID.class, new DefaultSerializers.UUIDSerializer());
        kryo.addDefaultSerializer(URI.class, new DefaultSerializers.URISerializer());
        kryo.addDefaultSerializer(Pattern.class, new DefaultSerializers.PatternSerializer());
        kryo.addDefaultSerializer(AtomicBoolean.class, new DefaultSerializers.AtomicBooleanSerializer());
        kryo.addDefaultSerializer(AtomicInteger.class, new DefaultSerializers.AtomicIntegerSerializer());
        kryo.addDefaultSerializer(AtomicLong.class, new DefaultSerializers.AtomicLongSerializer());
        kryo.addDefaultSerializer(AtomicReference.class, new DefaultSerializers.AtomicReferenceSerializer());
        kryo.addDefaultSerializer(AbstractMap.SimpleImmutableEntry.class, new EntrySerializer(true));
        kryo.addDefaultSerializer(AbstractMap.SimpleEntry.class, new EntrySerializer(false));
        int id = FIRST_REGISTRATION_ID;
        for (Class<?> type : REGISTERED_CLASSES) {
            kryo.register(type, id++);
        }
        for (Consumer<Kryo> registrator : registrators) {
            try {
                registrator.accept(kryo);
            } catch (RuntimeException e) {
                throw new SerializationException("The Kryo registrator [" + registrator
                        + "] failed: " + e.getMessage() + ". Fix the registrator named by "
                        + REGISTRATOR_CONFIG_KEY, e);
            }
        }
        return kryo;
    }

    /** Returns pooled objects; a Kryo that failed mid-graph is dropped, not reused. */
    private void release(Kryo kryo, Output output, boolean healthy) {
        if (healthy) {
            kryoPool.free(kryo);
        }
        if (output != null) {
            if (output.getBuffer().length <= MAX_POOLED_BUFFER_BYTES) {
                output.reset();
                outputPool.free(output);
            }
        }
    }

    private static void checkVersion(byte[] bytes) {
        checkVersion(bytes, 0, bytes == null ? 0 : bytes.length);
    }

    private static void checkVersion(byte[] bytes, int offset, int length) {
        if (bytes == null || length <= 0) {
            throw new SerializationException("Cannot deserialize " + (bytes == null ? "null" : "0")
                    + " bytes: Sluice serialized bytes start with a format version byte");
        }
        if (offset < 0 || offset + length > bytes.length || offset + length < 0) {
            throw new IndexOutOfBoundsException("Cannot deserialize " + length + " bytes at offset "
                    + offset + " of an array of " + bytes.length + ": the range lies outside it");
        }
        int version = Byte.toUnsignedInt(bytes[offset]);
        if (version > FORMAT_VERSION) {
            throw new SerializationException("Cannot deserialize bytes of format version ["
                    + version + "]: they were written by a newer Sluice (this one reads format "
                    + "version " + FORMAT_VERSION + " and older). Run the Sluice version that"
                    + " wrote them, or a newer one");
        }
        if (version < 1) {
            throw new SerializationException("Cannot deserialize bytes of format version ["
                    + version + "]: they were not written by a Sluice serializer, or are corrupt");
        }
    }

    private static void checkFullyRead(Input input, byte[] bytes) {
        checkFullyRead(input, bytes.length, bytes.length);
    }

    /** Fails unless {@code input} stopped exactly at {@code end}, the end of a value of {@code length} bytes. */
    private static void checkFullyRead(Input input, int end, int length) {
        if (input.position() != end) {
            throw new SerializationException("Cannot deserialize " + length + " bytes: "
                    + (end - input.position()) + " bytes left over after the value,"
                    + " so they are corrupt or were written by a different serializer setup");
        }
    }

    private static SerializationException serializationFailure(String type, RuntimeException e) {
        if (e instanceof SerializationException se) {
            return se;
        }
        return new SerializationException("Cannot serialize a value of type [" + type + "]: "
                + e.getMessage() + "\nFix: register a Kryo serializer for the failing type in a "
                + KryoRegistrator.class.getName() + " named by the configuration key "
                + REGISTRATOR_CONFIG_KEY + ", or make the field that holds it transient", e);
    }

    private static SerializationException deserializationFailure(byte[] bytes, RuntimeException e) {
        return deserializationFailure(bytes.length, e);
    }

    private static SerializationException deserializationFailure(int length, RuntimeException e) {
        if (e instanceof SerializationException se) {
            return se;
        }
        return new SerializationException("Cannot deserialize " + length + " bytes: "
                + e.getMessage() + "\nCheck that the classes of the value are on the classpath,"
                + " unchanged since the bytes were written, and that the same "
                + REGISTRATOR_CONFIG_KEY + " is configured", e);
    }

    private static KryoRegistrator instantiateRegistrator(ClassLoader loader, String className) {
        Class<?> type;
        try {
            type = Class.forName(className, true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new SerializationException("The Kryo registrator class [" + className
                    + "] named by " + REGISTRATOR_CONFIG_KEY + " cannot be loaded: " + e
                    + ". Fix the class name, or put the class on the application's classpath", e);
        }
        if (!KryoRegistrator.class.isAssignableFrom(type)) {
            throw new SerializationException("The class [" + className + "] named by "
                    + REGISTRATOR_CONFIG_KEY + " does not implement "
                    + KryoRegistrator.class.getName() + ": make it implement that interface");
        }
        try {
            return (KryoRegistrator) type.getConstructor().newInstance();
        } catch (NoSuchMethodException e) {
            throw new SerializationException("The Kryo registrator [" + className + "] named by "
                    + REGISTRATOR_CONFIG_KEY + " has no public no-arg constructor: add one", e);
        } catch (InvocationTargetException e) {
            throw new SerializationException("The constructor of the Kryo registrator ["
                    + className + "] threw " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new SerializationException("Cannot instantiate the Kryo registrator ["
                    + className + "] named by " + REGISTRATOR_CONFIG_KEY + ": " + e
                    + ". Make the class and its no-arg constructor public", e);
        }
    }

    private static ClassLoader defaultClassLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : KryoSerializer.class.getClassLoader();
    }

    /**
     * What one thread keeps for this serializer: its own Kryo (created on first use, dropped
     * after a failure, which may leave a half-read or half-written graph in it), an output
     * buffer and an input. {@code busy} marks a call in progress, so that a nested call on the
     * same thread (a user's Kryo serializer calling back into this serializer) takes the pooled
     * path instead of corrupting the outer call's state. Only its own thread touches it.
     *
     * <p>Static, holding no reference to the serializer: a thread's map holds its ThreadLocal
     * weakly but its value strongly, so a value that referenced the serializer would keep the
     * serializer, and so its ThreadLocal, alive as long as the thread (a leak per context on a
     * long-lived thread that serialized for several contexts in turn).
     */
    private static final class ThreadState {
        Kryo kryo;
        Output output = new Output(INITIAL_BUFFER_BYTES, -1);
        final Input input = new Input(EMPTY);
        boolean busy;

        /** Empties the output, dropping a buffer that grew large for one big value. */
        void releaseOutput() {
            if (output.getBuffer().length > MAX_POOLED_BUFFER_BYTES) {
                output = new Output(INITIAL_BUFFER_BYTES, -1);
            } else {
                output.reset();
            }
        }
    }

    /** Map entries of {@link AbstractMap}, whose fields Java 17 does not open to Kryo. */
    private static final class EntrySerializer extends Serializer<Map.Entry<Object, Object>> {
        private final boolean immutable;

        EntrySerializer(boolean immutable) {
            this.immutable = immutable;
            setImmutable(immutable);
        }

        @Override
        public void write(Kryo kryo, Output output, Map.Entry<Object, Object> entry) {
            kryo.writeClassAndObject(output, entry.getKey());
            kryo.writeClassAndObject(output, entry.getValue());
        }

        @Override
        public Map.Entry<Object, Object> read(Kryo kryo, Input input,
                                              Class<? extends Map.Entry<Object, Object>> type) {
            Object key = kryo.readClassAndObject(input);
            Object value = kryo.readClassAndObject(input);
            return immutable ? new AbstractMap.SimpleImmutableEntry<>(key, value)
                    : new AbstractMap.SimpleEntry<>(key, value);
        }
    }

    /** Refuses types that own an operating-system resource, naming the type. */
    private static final class RefusingSerializer extends Serializer<Object> {
        private final Class<?> refused;

        RefusingSerializer(Class<?> refused) {
            this.refused = refused;
        }

        @Override
        public void write(Kryo kryo, Output output, Object object) {
            throw new KryoException("Sluice does not serialize [" + object.getClass().getName()
                    + "]: it is a " + refused.getName() + ", which owns an operating-system "
                    + "resource that a copy could not use");
        }

        @Override
        public Object read(Kryo kryo, Input input, Class<?> type) {
            throw new KryoException("Sluice does not deserialize [" + type.getName() + "]: it is a "
                    + refused.getName() + ", which owns an operating-system resource");
        }
    }
}
