package dev.bgrun.orchestrator.supervisor;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {
    private static Duration ms(long n) {
        return Duration.ofMillis(n);
    }

    @Test
    void doublesUpToTheCap() {
        assertThat(Backoff.delay(ms(500), ms(3000), 0)).isEqualTo(ms(500));
        assertThat(Backoff.delay(ms(500), ms(3000), 2)).isEqualTo(ms(2000));
        assertThat(Backoff.delay(ms(500), ms(3000), 10)).isEqualTo(ms(3000));
    }

    @Test
    void zeroBackoffHasAFloorAndStillGrows() {
        // 0 would double to 0: a crashing job would restart in a tight loop.
        assertThat(Backoff.delay(ms(0), ms(60_000), 0)).isEqualTo(ms(100));
        assertThat(Backoff.delay(ms(0), ms(60_000), 3)).isEqualTo(ms(800));
        assertThat(Backoff.delay(ms(0), ms(0), 5)).isEqualTo(ms(100));
        assertThat(Backoff.delay(ms(10), ms(50), 5)).isEqualTo(ms(100));
    }
}
