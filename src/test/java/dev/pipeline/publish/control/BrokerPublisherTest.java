package dev.pipeline.publish.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipeline.problem.UnavailableException;
import dev.pipeline.produce.entity.BodyFormat;
import dev.pipeline.topics.entity.Topic;
import dev.pipeline.v1.Message;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The send path's rules, on real lane threads against {@link FakeBroker}; deadlines fire when the test says. */
class BrokerPublisherTest {

    private static final Topic ORDERS = new Topic("orders", Duration.ofHours(1), Set.of("orders-writer"));

    private final FakeBroker broker = new FakeBroker();
    private final ManualDeadlines deadlines = new ManualDeadlines();
    private final AtomicInteger answers = new AtomicInteger();
    private final Executor countingResponder = task -> {
        answers.incrementAndGet();
        task.run();
    };
    private final BrokerPublisher publisher = new BrokerPublisher();
    private final List<Integer> transactionSizes = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() {
        publisher.start(broker, 2, countingResponder, deadlines, BrokerPublisher.DEADLINE_MILLIS,
                BrokerPublisher.ANSWER_MILLIS, (topic, messages) -> transactionSizes.add(messages));
    }

    @AfterEach
    void close() {
        broker.holdCommits = false;
        publisher.close();
    }

    @Test
    void singleMessageIsAnsweredWithItsIdOnceStored() throws Exception {
        assertEquals(List.of("a"), single("a").get(10, TimeUnit.SECONDS));
        assertEquals(List.of("a"), broker.stored);
    }

    @Test
    void singlesArrivingWhileBothLanesCommitAreStoredTogetherInOneTransaction() throws Exception {
        Held first = heldAtTheBroker("a");
        Held second = heldAtTheBroker("b");
        List<CompletableFuture<List<String>>> waiting = Stream.of("c", "d", "e").map(this::single).toList();

        first.commit().release();
        FakeBroker.Commit group = broker.nextCommit();
        group.release();
        second.commit().release();

        assertEquals(List.of("c", "d", "e"), group.ids);
        assertEquals(List.of("a"), first.answer().get(10, TimeUnit.SECONDS));
        assertEquals(List.of("b"), second.answer().get(10, TimeUnit.SECONDS));
        for (int i = 0; i < waiting.size(); i++) {
            assertEquals(List.of(group.ids.get(i)), waiting.get(i).get(10, TimeUnit.SECONDS));
        }
        assertEquals(List.of(1, 1, 3), transactionSizes.stream().sorted().toList(), "counted: three transactions");
    }

    @Test
    void duplicateInsideACoalescedGroupDoesNotFailTheOthers() throws Exception {
        broker.stored.add("d");
        Held first = heldAtTheBroker("a");
        Held second = heldAtTheBroker("b");
        List<CompletableFuture<List<String>>> waiting = Stream.of("c", "d", "e").map(this::single).toList();
        first.commit().release();
        FakeBroker.Commit group = broker.nextCommit();
        broker.holdCommits = false;
        group.release();
        second.commit().release();

        assertEquals(List.of("c", "d", "e"), group.ids);
        for (int i = 0; i < waiting.size(); i++) {
            assertEquals(List.of(group.ids.get(i)), waiting.get(i).get(10, TimeUnit.SECONDS));
        }
        first.answer().get(10, TimeUnit.SECONDS);
        second.answer().get(10, TimeUnit.SECONDS);
        assertEquals(List.of("a", "b", "c", "d", "e"), broker.stored.stream().sorted().toList(), "each stored once");
    }

    @Test
    void batchIsOneTransactionOfItsOwn() throws Exception {
        broker.holdCommits = true;
        CompletableFuture<List<String>> batch = batch("a", "b", "c");
        FakeBroker.Commit commit = broker.nextCommit();
        commit.release();

        assertEquals(List.of("a", "b", "c"), commit.ids);
        assertEquals(List.of("a", "b", "c"), batch.get(10, TimeUnit.SECONDS));
        assertTrue(commit.thread.startsWith("pipeline-batch-"), commit.thread);
    }

    @Test
    void batchWithAStoredIdStoresOnlyItsNewMessagesInOrder() throws Exception {
        broker.stored.add("b");

        assertEquals(List.of("a", "b", "c"), batch("a", "b", "c").get(10, TimeUnit.SECONDS));
        assertEquals(List.of("b", "a", "c"), broker.stored);
    }

    @Test
    void requestTheBrokerHasAtTheDeadlineIsAnsweredByTheBrokerOnce() throws Exception {
        Held slow = heldAtTheBroker("a");

        deadlines.fireDueAfter(BrokerPublisher.DEADLINE_MILLIS);
        assertFalse(slow.answer().isDone(), "no 503 while the broker may still store it");
        slow.commit().release();

        assertEquals(List.of("a"), slow.answer().get(10, TimeUnit.SECONDS));
        assertEquals(1, answers.get(), "one answer");
        assertEquals(0, publisher.idsInFlight());
    }

    @Test
    void requestNoLaneTookByTheDeadlineIs503WithItsIdsFreeAndIsNeverSent() throws Exception {
        Held a = heldAtTheBroker("a");
        Held b = heldAtTheBroker("b");
        CompletableFuture<List<String>> queued = single("c");

        deadlines.fireDueAfter(BrokerPublisher.DEADLINE_MILLIS);
        assertUnavailable(queued, "none was sent");
        assertEquals(2, publisher.idsInFlight(), "only the ids at the broker are held");
        CompletableFuture<List<String>> retry = single("c");
        broker.holdCommits = false;
        a.commit().release();
        b.commit().release();

        assertEquals(List.of("c"), retry.get(10, TimeUnit.SECONDS));
        a.answer().get(10, TimeUnit.SECONDS);
        b.answer().get(10, TimeUnit.SECONDS);
        assertEquals(List.of("a", "b", "c"), broker.stored.stream().sorted().toList(), "c stored once, by its retry");
    }

    @Test
    void sendTheBrokerHoldsPastTheLastGuardIs503AndKeepsItsIdsUntilItEnds() throws Exception {
        Held held = heldAtTheBroker("a");

        deadlines.fireDueAfter(BrokerPublisher.ANSWER_MILLIS);
        assertUnavailable(held.answer(), "has not answered in time");
        CompletableFuture<List<String>> retry = single("a");
        assertFalse(broker.hasMoreCommits(), "the retry waits for the send still holding its id");
        broker.holdCommits = false;
        held.commit().release();

        assertEquals(List.of("a"), retry.get(10, TimeUnit.SECONDS));
        assertEquals(List.of("a"), broker.stored, "stored once");
        assertEquals(1 + 1, answers.get(), "one answer per request");
    }

    @Test
    void transactionBrokenByAFailoverAfterTheDeadlineIsA503AndNotSentAgain() throws Exception {
        Held slow = heldAtTheBroker("a");
        deadlines.fireDueAfter(BrokerPublisher.DEADLINE_MILLIS);
        broker.failNext(SendFailure.Reason.FAILED_OVER);
        slow.commit().release();

        assertUnavailable(slow.answer(), "failed over");
        assertFalse(broker.hasMoreCommits(), "not sent again");
        assertEquals(List.of(), broker.stored);
    }

    @Test
    void concurrentRequestsWithTheSameIdStoreItOnceAndNeitherBlocksItsCaller() throws Exception {
        broker.holdCommits = true;
        CompletableFuture<List<String>> first = single("a");
        FakeBroker.Commit commit = broker.nextCommit();

        CompletableFuture<List<String>> second = single("a");
        assertFalse(second.isDone());
        commit.release();
        broker.nextCommit().release();

        assertEquals(List.of("a"), first.get(10, TimeUnit.SECONDS));
        assertEquals(List.of("a"), second.get(10, TimeUnit.SECONDS));
        assertEquals(List.of("a"), broker.stored);
    }

    @Test
    void connectionFailureFailsEveryRequestOfTheTransactionAndTheNextOneConnectsAnew() throws Exception {
        Held first = heldAtTheBroker("a");
        Held second = heldAtTheBroker("b");
        List<CompletableFuture<List<String>>> group = Stream.of("c", "d").map(this::single).toList();
        first.commit().release();
        FakeBroker.Commit groupCommit = broker.nextCommit();
        broker.failNext(SendFailure.Reason.BROKEN);
        groupCommit.release();

        for (CompletableFuture<List<String>> answer : group) {
            assertUnavailable(answer, "did not store");
        }
        broker.holdCommits = false;
        second.commit().release();
        first.answer().get(10, TimeUnit.SECONDS);
        second.answer().get(10, TimeUnit.SECONDS);
        assertEquals(List.of("e"), single("e").get(10, TimeUnit.SECONDS));
        assertEquals(1, broker.opened.stream().filter(channel -> channel.closedBy != null).count(), "the broken channel is closed");
        assertEquals(List.of("a", "b", "e"), broker.stored.stream().sorted().toList());
    }

    @Test
    void transactionBrokenByAFailoverIsSentAgainWithTheSameIdsAndStoredOnce() throws Exception {
        broker.failNextAfterStoring(SendFailure.Reason.FAILED_OVER);

        assertEquals(List.of("a", "b"), batch("a", "b").get(10, TimeUnit.SECONDS));
        assertEquals(List.of("a", "b"), broker.stored);
    }

    @Test
    void failoverThatOutlastsTheResendsIsA503NeverA500() throws Exception {
        broker.failNext(SendFailure.Reason.FAILED_OVER, SendFailure.Reason.FAILED_OVER, SendFailure.Reason.FAILED_OVER);

        assertUnavailable(single("a"), "failed over");
        assertEquals(List.of(), broker.stored);
    }

    @Test
    void unreachableBrokerIsA503AtOnce() throws Exception {
        broker.unreachable = true;

        assertUnavailable(single("a"), "not reachable");
    }

    @Test
    void fullAddressIsA503AndKeepsTheChannel() throws Exception {
        single("warm").get(10, TimeUnit.SECONDS);
        broker.failNext(SendFailure.Reason.ADDRESS_FULL);

        assertUnavailable(single("a"), "is full");
        assertEquals(List.of(), broker.opened.stream().filter(channel -> channel.closedBy != null).toList());
    }

    @Test
    void topicWithoutSubscriptionIsA503() throws Exception {
        broker.failNext(SendFailure.Reason.NO_SUBSCRIPTION);

        assertUnavailable(single("a"), "no subscription");
    }

    @Test
    void topicWhoseQueueIsFullRefusesTheNextRequestAtOnceWith503() throws Exception {
        broker.holdCommits = true;
        single("a");
        broker.nextCommit();
        single("b");
        broker.nextCommit();
        for (int i = 0; i < BrokerPublisher.LANES_PER_TOPIC * BrokerPublisher.QUEUE_PER_LANE; i++) {
            single("queued-" + i);
        }

        assertUnavailable(single("one-too-many"), "too many messages to orders are waiting");
    }

    @Test
    void closeAnswersWhatIsStillQueuedWith503() throws Exception {
        broker.holdCommits = true;
        CompletableFuture<List<String>> first = single("a");
        broker.nextCommit();
        CompletableFuture<List<String>> second = single("b");
        broker.nextCommit();
        CompletableFuture<List<String>> queued = single("c");

        publisher.close();

        assertUnavailable(queued, "stopping");
        assertUnavailable(first, "");
        assertUnavailable(second, "");
        assertUnavailable(single("d"), "stopping");
    }

    @Test
    void closeWhileALaneIsStillPreparingAnswersItsQueueAndThrowsNothing() throws Exception {
        broker.prepareGate = new CountDownLatch(1);
        CompletableFuture<List<String>> queued = single("a");

        publisher.close();

        assertUnavailable(queued, "stopping");
    }

    @Test
    void eachChannelIsClosedByItsOwnLaneAfterItsLastUseAndNoLaneOutlivesClose() throws Exception {
        broker.holdCommits = true;
        CompletableFuture<List<String>> sending = single("a");
        FakeBroker.Commit commit = broker.nextCommit();

        publisher.close();

        assertUnavailable(sending, "");
        assertFalse(broker.opened.isEmpty());
        for (FakeBroker.FakeChannel channel : broker.opened) {
            assertTrue(channel.closedBy != null && channel.closedBy.startsWith("pipeline-"), "closed by " + channel.closedBy);
            assertFalse(channel.closedWhileInUse);
        }
        assertTrue(broker.opened.stream().anyMatch(channel -> commit.thread.equals(channel.closedBy)));
        assertEquals(List.of(), Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .map(Thread::getName).filter(name -> name.startsWith("pipeline-send-") || name.startsWith("pipeline-batch-")).toList());
    }

    /** A single message whose send the fake broker holds until the test releases its commit. */
    private record Held(CompletableFuture<List<String>> answer, FakeBroker.Commit commit) {
    }

    private Held heldAtTheBroker(String id) throws InterruptedException {
        broker.holdCommits = true;
        CompletableFuture<List<String>> answer = single(id);
        return new Held(answer, broker.nextCommit());
    }

    private CompletableFuture<List<String>> single(String id) {
        return publisher.publish(ORDERS, BodyFormat.JSON, List.of(message(id)), null).toCompletableFuture();
    }

    private CompletableFuture<List<String>> batch(String... ids) {
        return publisher.publish(ORDERS, BodyFormat.JSON, Stream.of(ids).map(BrokerPublisherTest::message).toList(), null)
                .toCompletableFuture();
    }

    private static Message message(String id) {
        return Message.newBuilder().setMessageId(id).setMessage("body of " + id).build();
    }

    private static void assertUnavailable(CompletableFuture<List<String>> answer, String detail) throws Exception {
        ExecutionException failure = assertThrows(ExecutionException.class, () -> answer.get(10, TimeUnit.SECONDS));
        UnavailableException unavailable = assertInstanceOf(UnavailableException.class, failure.getCause());
        assertTrue(unavailable.getMessage().contains(detail), unavailable.getMessage());
        assertEquals(NotStored.RETRY_AFTER_SECONDS, unavailable.retryAfterSeconds());
    }

    /** Deadlines that fire when the test says that their time has come. */
    private static final class ManualDeadlines implements Deadlines {
        private final Map<Runnable, Long> due = new LinkedHashMap<>();

        @Override
        public synchronized Runnable after(long millis, Runnable task) {
            due.put(task, millis);
            return () -> {
                synchronized (this) {
                    due.remove(task);
                }
            };
        }

        /** Runs every task due within {@code millis} of its request. */
        void fireDueAfter(long millis) {
            List<Runnable> firing = new ArrayList<>();
            synchronized (this) {
                due.entrySet().removeIf(entry -> entry.getValue() <= millis && firing.add(entry.getKey()));
            }
            firing.forEach(Runnable::run);
        }
    }
}
