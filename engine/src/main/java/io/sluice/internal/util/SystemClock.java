package io.sluice.internal.util;

/** The wall clock. */
public final class SystemClock implements Clock {

    @Override
    public long getTimeMillis() {
        return System.currentTimeMillis();
    }

    @Override
    public long waitTillTime(long targetTimeMs) throws InterruptedException {
        while (true) {
            long now = System.currentTimeMillis();
            long wait = targetTimeMs - now;
            if (wait <= 0) {
                return now;
            }
            // Sleep in short steps near the target so a batch starts within a few ms of its time.
            Thread.sleep(Math.min(wait, 100));
        }
    }
}
