package dev.bgrun.orchestrator.logs;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The in-memory screen: no slots until a line comes, growing to its capacity, a ring after that. */
class ScreenBufferTest {
    private static void add(ScreenBuffer screen, long number) {
        byte[] text = ("line " + number + "\n").getBytes(StandardCharsets.UTF_8);
        screen.add(number, (int) (number % 2), 1000 + number, 1, text, 0, text.length - 1);
    }

    private static List<Long> numbers(List<LogLine> lines) {
        return lines.stream().map(LogLine::number).toList();
    }

    @Test
    void holdsNoSlotsUntilTheFirstLineAndNoneAfterARelease() {
        ScreenBuffer screen = new ScreenBuffer();
        assertThat(screen.capacity()).isZero();
        assertThat(screen.last(10)).isEmpty();
        add(screen, 1);
        assertThat(screen.capacity()).isPositive().isLessThan(ScreenBuffer.CAPACITY);
        screen.release();
        assertThat(screen.capacity()).isZero();
        assertThat(screen.size()).isZero();
        assertThat(screen.last(10)).isEmpty();
        add(screen, 2);
        assertThat(numbers(screen.last(10))).containsExactly(2L);
    }

    @Test
    void keepsTheLastLinesInOrderWhileGrowingAndOnceFull() {
        ScreenBuffer screen = new ScreenBuffer();
        for (long n = 1; n <= 3 * ScreenBuffer.CAPACITY + 7; n++) {
            add(screen, n);
            int kept = (int) Math.min(n, ScreenBuffer.CAPACITY);
            assertThat(screen.size()).isEqualTo(kept);
            assertThat(numbers(screen.last(Integer.MAX_VALUE)))
                    .containsExactlyElementsOf(LongStream.rangeClosed(n - kept + 1, n).boxed().toList());
        }
        assertThat(screen.capacity()).isEqualTo(ScreenBuffer.CAPACITY);
        LogLine last = screen.last(1).getFirst();
        assertThat(last.text()).isEqualTo("line " + (3 * ScreenBuffer.CAPACITY + 7));
        assertThat(last.stream()).isEqualTo("stderr"); // an odd number: stream 1
    }

    @Test
    void dropAfterForgetsTheNewestLinesAtAnySize() {
        for (int filled : new int[]{5, 8, 9, 16, ScreenBuffer.CAPACITY, ScreenBuffer.CAPACITY + 50}) {
            ScreenBuffer screen = new ScreenBuffer();
            for (long n = 1; n <= filled; n++) {
                add(screen, n);
            }
            screen.dropAfter(filled - 3);
            for (long n = filled - 2; n <= filled + 20; n++) {
                add(screen, n);
            }
            long newest = filled + 20;
            int kept = (int) Math.min(newest, ScreenBuffer.CAPACITY);
            assertThat(numbers(screen.last(Integer.MAX_VALUE))).as("filled %d", filled)
                    .containsExactlyElementsOf(LongStream.rangeClosed(newest - kept + 1, newest).boxed().toList());
        }
    }
}
