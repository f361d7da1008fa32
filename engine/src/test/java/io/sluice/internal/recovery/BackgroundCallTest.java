package io.sluice.internal.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class BackgroundCallTest {

    @Test
    void runsOnADaemonThreadOfItsOwnAndReturnsTheResult() throws IOException {
        BackgroundCall<Thread> call = BackgroundCall.start("sluice-test-call", Thread::currentThread);
        Thread ran = call.get();
        assertNotEquals(Thread.currentThread(), ran);
        assertEquals("sluice-test-call", ran.getName());
        assertTrue(ran.isDaemon(), "a call never keeps the JVM alive");
        assertSame(ran, call.get(), "get may be called again");
    }

    @Test
    void startsAtOnceBeforeGetIsCalled() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BackgroundCall<String> call = BackgroundCall.start("sluice-test-call", () -> {
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return "done";
        });
        started.await(); // would hang (and the test time out) if the call waited for get()
        release.countDown();
        assertEquals("done", call.get());
    }

    @Test
    void rethrowsTheCallsOwnExceptionObjects() {
        IOException io = new IOException("disk");
        IllegalArgumentException runtime = new IllegalArgumentException("bad");
        AssertionError error = new AssertionError("broken");
        assertSame(io, assertThrows(IOException.class, () -> BackgroundCall.start("t", () -> {
            throw io;
        }).get()));
        assertSame(runtime, assertThrows(IllegalArgumentException.class, () -> BackgroundCall.start("t", () -> {
            throw runtime;
        }).get()));
        assertSame(error, assertThrows(AssertionError.class, () -> BackgroundCall.start("t", () -> {
            throw error;
        }).get()));
    }

    @Test
    void anInterruptDoesNotCutTheWaitShortAndIsKept() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        BackgroundCall<String> call = BackgroundCall.start("sluice-test-call", () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return "result";
        });
        Thread.currentThread().interrupt();
        Thread releaser = new Thread(release::countDown);
        releaser.start();
        try {
            assertEquals("result", call.get(), "the wait went on until the call ended");
            assertTrue(Thread.interrupted(), "the interrupt is kept (and cleared here)");
        } finally {
            Thread.interrupted();
            releaser.join();
        }
    }
}
