package dev.bgrun.orchestrator.supervisor;

import dev.bgrun.orchestrator.error.BgrunException;
import dev.bgrun.orchestrator.error.ErrorType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A job's mailbox: one message at a time, in order, from any number of posting threads; bounded requests. */
class MailboxTest {
    @Test
    void messagesRunOneAtATimeInTheOrderEachThreadPostedThem() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        Mailbox mailbox = new Mailbox("t", e -> { }, () -> { });
        int threads = 8;
        int each = 500;
        List<Thread> posters = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            posters.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < each; i++) {
                    int n = i;
                    mailbox.post(() -> {
                        if (running.incrementAndGet() != 1) {
                            overlaps.incrementAndGet();
                        }
                        seen.add(id + ":" + n);
                        running.decrementAndGet();
                    });
                }
            }));
        }
        for (Thread t : posters) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        mailbox.ask(() -> null).get(30, TimeUnit.SECONDS); // behind every message posted before it
        assertThat(overlaps.get()).isZero();
        assertThat(seen).hasSize(threads * each);
        for (int t = 0; t < threads; t++) {
            String prefix = t + ":";
            List<Integer> order = seen.stream().filter(s -> s.startsWith(prefix))
                    .map(s -> Integer.parseInt(s.substring(prefix.length()))).toList();
            assertThat(order).isSorted();
        }
    }

    @Test
    void anAnswerComesAfterWhatTheRequestChangedIsSaved() throws Exception {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        Mailbox mailbox = new Mailbox("t", e -> { }, () -> events.add("saved"));
        CompletableFuture<String> answer = mailbox.ask(() -> {
            events.add("handled");
            return "done";
        });
        assertThat(answer.thenApply(a -> {
            events.add("answered");
            return a;
        }).get(30, TimeUnit.SECONDS)).isEqualTo("done");
        assertThat(events.indexOf("handled")).isZero();
        assertThat(events.indexOf("saved")).isEqualTo(1); // (the mailbox may save again after; nothing is left to save)
        assertThat(events.indexOf("answered")).isGreaterThan(1);
    }

    @Test
    void aFullMailboxRefusesRequestsButNotEventsAndAFailingMessageDoesNotStopIt() throws Exception {
        List<String> logged = Collections.synchronizedList(new ArrayList<>());
        Mailbox mailbox = new Mailbox("t", logged::add, () -> { });
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch busy = new CountDownLatch(1);
        mailbox.post(() -> {
            busy.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(busy.await(30, TimeUnit.SECONDS)).isTrue(); // taken off the queue: it holds only what follows
        List<CompletableFuture<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < Mailbox.CAPACITY; i++) {
            int n = i;
            answers.add(mailbox.ask(() -> n));
        }
        assertThatThrownBy(() -> mailbox.ask(() -> -1)).isInstanceOfSatisfying(BgrunException.class,
                e -> assertThat(e.type()).isEqualTo(ErrorType.Busy));
        mailbox.post(() -> {
            throw new IllegalStateException("boom");
        });
        release.countDown();
        for (int i = 0; i < answers.size(); i++) {
            assertThat(answers.get(i).get(30, TimeUnit.SECONDS)).isEqualTo(i);
        }
        assertThat(mailbox.ask(() -> "still serving").get(30, TimeUnit.SECONDS)).isEqualTo("still serving");
        assertThat(logged).anyMatch(line -> line.contains("boom"));
    }
}
