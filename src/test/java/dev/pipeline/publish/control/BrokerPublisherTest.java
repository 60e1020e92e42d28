package dev.pipeline.publish.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipeline.problem.UnavailableException;
import dev.pipeline.publish.boundary.Admission;
import dev.pipeline.publish.entity.Outgoing;
import dev.pipeline.topics.entity.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The send path's rules, on real sender threads against {@link FakeBroker}; time moves, and deadlines
 * are checked, when the test says.
 */
class BrokerPublisherTest {

    private static final Topic ORDERS = topic("orders");
    private static final Topic JAM = topic("jam");
    private static final int SENDERS = 4;
    private static final int PER_TOPIC = 2;
    private static final long TOPIC_BYTES = 10_000;
    private static final long ALL_BYTES = 15_000;

    private final FakeBroker broker = new FakeBroker();
    private final AtomicLong clock = new AtomicLong();
    private final AtomicInteger answers = new AtomicInteger();
    private final BrokerPublisher publisher = new BrokerPublisher();
    private final List<Integer> sendSizes = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() {
        publisher.start(broker, SENDERS, PER_TOPIC, new PendingBytes(ALL_BYTES, TOPIC_BYTES), task -> {
            answers.incrementAndGet();
            task.run();
        }, clock::get, (topic, messages) -> sendSizes.add(messages));
    }

    @AfterEach
    void close() {
        broker.holdCommits = false;
        broker.unblock(JAM.name());
        publisher.close();
    }

    @Test
    void singleMessageIsAnsweredWithItsIdOnceStoredAndGivesItsBytesBack() throws Exception {
        assertEquals(List.of("a"), single(ORDERS, "a").get(10, TimeUnit.SECONDS));
        assertEquals(List.of("a"), broker.stored);
        assertEquals(0, publisher.pendingBytes());
    }

    @Test
    void singlesArrivingWhileTheSendersAreBusyAreStoredTogetherInOneTransaction() throws Exception {
        Held first = heldAtTheBroker(ORDERS, "a");
        Held second = heldAtTheBroker(ORDERS, "b");
        List<CompletableFuture<List<String>>> waiting = Stream.of("c", "d", "e").map(id -> single(ORDERS, id)).toList();

        first.commit().release();
        FakeBroker.Commit group = broker.nextCommit();
        group.release();
        second.commit().release();

        assertEquals(List.of("c", "d", "e"), group.ids);
        for (int i = 0; i < waiting.size(); i++) {
            assertEquals(List.of(group.ids.get(i)), waiting.get(i).get(10, TimeUnit.SECONDS));
        }
        first.answer().get(10, TimeUnit.SECONDS);
        second.answer().get(10, TimeUnit.SECONDS);
        assertEquals(List.of(1, 1, 3), sendSizes.stream().sorted().toList());
    }

    @Test
    void duplicateInsideACoalescedGroupStoresEachMessageOnce() throws Exception {
        broker.stored.add("d");
        Held first = heldAtTheBroker(ORDERS, "a");
        Held second = heldAtTheBroker(ORDERS, "b");
        List<CompletableFuture<List<String>>> waiting = Stream.of("c", "d", "e").map(id -> single(ORDERS, id)).toList();
        broker.holdCommits = false;
        first.commit().release();
        second.commit().release();

        for (int i = 0; i < waiting.size(); i++) {
            waiting.get(i).get(10, TimeUnit.SECONDS);
        }
        first.answer().get(10, TimeUnit.SECONDS);
        second.answer().get(10, TimeUnit.SECONDS);
        assertEquals(List.of("a", "b", "c", "d", "e"), broker.stored.stream().sorted().toList(), "each stored once");
    }

    @Test
    void batchIsOneTransactionOfItsOwn() throws Exception {
        broker.holdCommits = true;
        CompletableFuture<List<String>> batch = batch(ORDERS, "a", "b", "c");
        CompletableFuture<List<String>> single = single(ORDERS, "d");
        FakeBroker.Commit first = broker.nextCommit();
        FakeBroker.Commit second = broker.nextCommit();
        first.release();
        second.release();

        assertEquals(Set.of(List.of("a", "b", "c"), List.of("d")), Set.of(first.ids, second.ids));
        assertEquals(List.of("a", "b", "c"), batch.get(10, TimeUnit.SECONDS));
        assertEquals(List.of("d"), single.get(10, TimeUnit.SECONDS));
    }

    @Test
    void batchRetriedAfterItWasStoredIsAnsweredWithItsIdsAndStoresNothingAgain() throws Exception {
        assertEquals(List.of("a", "b"), batch(ORDERS, "a", "b").get(10, TimeUnit.SECONDS));

        assertEquals(List.of("a", "b"), batch(ORDERS, "a", "b").get(10, TimeUnit.SECONDS));
        assertEquals(List.of("a", "b"), broker.stored);
    }

    @Test
    void batchWithAStoredIdStoresEachOfItsNewMessagesOnceInOrder() throws Exception {
        broker.stored.add("b");

        assertEquals(List.of("a", "b", "c"), batch(ORDERS, "a", "b", "c").get(10, TimeUnit.SECONDS));
        assertEquals(List.of("b", "a", "c"), broker.stored);
    }

    @Test
    void uncheckedExceptionFromTheClientAnswers503FreesTheIdsAndTheSenderGoesOn() throws Exception {
        broker.throwNext(new IllegalStateException("AMQ119999 something the client did not expect"));

        assertUnavailable(single(ORDERS, "a"), "did not confirm");
        assertEquals(List.of("a"), single(ORDERS, "a").get(10, TimeUnit.SECONDS), "the retry is sent: its id is free");
        for (int i = 0; i < 2 * SENDERS; i++) {
            broker.throwNext(new OutOfMemoryErrorLike());
            single(ORDERS, "x" + i).exceptionally(failure -> null).get(10, TimeUnit.SECONDS);
        }
        assertEquals(List.of("b"), single(ORDERS, "b").get(10, TimeUnit.SECONDS), "no sender was lost");
        assertEquals(SENDERS, publisher.sendersAlive());
        assertEquals(0, publisher.pendingBytes());
    }

    @Test
    void topicWhoseAddressBlocksHoldsOnlyItsShareOfSendersAndBytes() throws Exception {
        broker.block(JAM.name());
        List<CompletableFuture<List<String>>> jammed = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            jammed.add(batch(JAM, "j" + i + "a", "j" + i + "b"));
        }
        assertThrows(UnavailableException.class, () -> admitted(JAM, TOPIC_BYTES), "the jammed topic's share is full");

        assertEquals(List.of("a"), single(ORDERS, "a").get(10, TimeUnit.SECONDS), "other topics are sent meanwhile");
        assertEquals(List.of("b", "c"), batch(ORDERS, "b", "c").get(10, TimeUnit.SECONDS));
        assertEquals(6, publisher.pending(JAM.name()), "nothing of the jammed topic was answered yet");
        broker.awaitSendsWaitingForCredits(PER_TOPIC);
        publisher.expire();
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(BrokerPublisher.DEADLINE_MILLIS + 1));
        publisher.expire();
        for (CompletableFuture<List<String>> answer : jammed) {
            assertUnavailable(answer, "");
        }
        assertEquals(0, publisher.pendingBytes(), "every byte given back");
        assertEquals(List.of("a", "b", "c"), broker.stored, "nothing of the jammed topic stored");
        broker.unblock(JAM.name());
        assertEquals(List.of("z1", "z2"), batch(JAM, "z1", "z2").get(10, TimeUnit.SECONDS), "the topic recovers");
    }

    @Test
    void sendWaitingForCreditsPastTheDeadlineIsRolledBackAnd503SoThatTheAddressDoesNotStayFull() throws Exception {
        broker.block(JAM.name());
        CompletableFuture<List<String>> tooBig = batch(JAM, "a", "b");
        broker.awaitSendsWaitingForCredits(1);
        publisher.expire();

        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(BrokerPublisher.DEADLINE_MILLIS + 1));
        publisher.expire();

        assertUnavailable(tooBig, "blocks producers");
        assertEquals(List.of(), broker.stored);
        broker.unblock(JAM.name());
        assertEquals(List.of("a", "b"), batch(JAM, "a", "b").get(10, TimeUnit.SECONDS), "its retry is stored, once");
        assertEquals(List.of("a", "b"), broker.stored);
    }

    @Test
    void topicWhoseSendWasEndedForCreditsGetsOneSenderAtATimeUntilASendGoesThrough() throws Exception {
        broker.block(JAM.name());
        CompletableFuture<List<String>> first = batch(JAM, "a", "b");
        CompletableFuture<List<String>> second = batch(JAM, "c", "d");
        broker.awaitSendsWaitingForCredits(PER_TOPIC);
        publisher.expire();
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(BrokerPublisher.CREDIT_WAIT_MILLIS + 1));
        publisher.expire();
        assertUnavailable(first, "blocks producers");
        assertUnavailable(second, "blocks producers");

        CompletableFuture<List<String>> third = batch(JAM, "e", "f");
        CompletableFuture<List<String>> fourth = batch(JAM, "g", "h");
        broker.awaitSendsWaitingForCredits(1);
        assertEquals(1, broker.sendsBegunTo(JAM.name()) - 2, "one send at a time while the address blocks");
        broker.unblock(JAM.name());
        assertEquals(List.of("e", "f"), third.get(10, TimeUnit.SECONDS));
        assertEquals(List.of("g", "h"), fourth.get(10, TimeUnit.SECONDS));
    }

    @Test
    void whileATopicBlocksARequestThatOnceWaitedAloneForCreditsGoesAfterTheOthers() throws Exception {
        broker.block(JAM.name());
        CompletableFuture<List<String>> first = batch(JAM, "big-1", "big-2");
        broker.awaitSendsWaitingForCredits(1);
        abortWaitingSends();
        assertUnavailable(first, "blocks producers");
        CompletableFuture<List<String>> alone = batch(JAM, "big-1", "big-2");
        broker.awaitSendsWaitingForCredits(1);
        abortWaitingSends();
        assertUnavailable(alone, "blocks producers");

        CompletableFuture<List<String>> sending = batch(JAM, "other-1", "other-2");
        broker.awaitSendsWaitingForCredits(1);
        CompletableFuture<List<String>> tooLarge = batch(JAM, "big-1", "big-2");
        CompletableFuture<List<String>> fits = batch(JAM, "small-1", "small-2");
        abortWaitingSends();
        assertUnavailable(sending, "blocks producers");
        broker.awaitSendsWaitingForCredits(1);
        broker.unblock(JAM.name());

        assertEquals(List.of("small-1", "small-2"), fits.get(10, TimeUnit.SECONDS));
        tooLarge.get(10, TimeUnit.SECONDS);
        assertEquals(List.of("small-1", "small-2", "big-1", "big-2"), broker.stored, "the one that fits went first");
    }

    private void abortWaitingSends() {
        publisher.expire();
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(BrokerPublisher.CREDIT_WAIT_MILLIS + 1));
        publisher.expire();
    }

    @Test
    void requestPastTheTopicsShareIsRefusedAtOnceWhileOtherTopicsAreAdmitted() {
        Admission jam = admitted(JAM, TOPIC_BYTES - 10);

        UnavailableException refused = assertThrows(UnavailableException.class, () -> admitted(JAM, 11));
        assertTrue(refused.getMessage().contains("'jam'"), refused.getMessage());
        Admission orders = admitted(ORDERS, ALL_BYTES - TOPIC_BYTES);
        assertThrows(UnavailableException.class, () -> admitted(ORDERS, 20), "the bound in all");
        jam.close();
        orders.close();
        assertEquals(0, publisher.pendingBytes());
    }

    @Test
    void requestWaitingForAnIdInFlightCountsItsBytesAndIsWithdrawnAtTheDeadline() throws Exception {
        Held first = heldAtTheBroker(ORDERS, "a");
        CompletableFuture<List<String>> retry = single(ORDERS, "a");
        long held = publisher.pendingBytes();

        assertTrue(held > 0 && publisher.pending(ORDERS.name()) == 2, "the waiting retry holds bytes: " + held);
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(BrokerPublisher.DEADLINE_MILLIS + 1));
        publisher.expire();
        assertUnavailable(retry, "none was sent");
        assertTrue(publisher.pendingBytes() < held, "the withdrawn retry gave its bytes back at once");
        first.commit().release();
        assertEquals(List.of("a"), first.answer().get(10, TimeUnit.SECONDS));
        assertEquals(List.of("a"), broker.stored);
    }

    @Test
    void requestsWithTheSameIdStoreItOnceOneAfterTheOther() throws Exception {
        Held first = heldAtTheBroker(ORDERS, "a");
        CompletableFuture<List<String>> second = single(ORDERS, "a");
        assertFalse(broker.hasMoreCommits(), "the second waits for the first's send");
        broker.holdCommits = false;
        first.commit().release();

        assertEquals(List.of("a"), first.answer().get(10, TimeUnit.SECONDS));
        assertEquals(List.of("a"), second.get(10, TimeUnit.SECONDS));
        assertEquals(List.of("a"), broker.stored);
    }

    @Test
    void requestTheBrokerHasAtTheDeadlineIsAnsweredByTheBrokerOnce() throws Exception {
        Held slow = heldAtTheBroker(ORDERS, "a");

        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(BrokerPublisher.DEADLINE_MILLIS + 1));
        publisher.expire();
        assertFalse(slow.answer().isDone(), "no 503 while the broker may still store it");
        slow.commit().release();

        assertEquals(List.of("a"), slow.answer().get(10, TimeUnit.SECONDS));
        assertEquals(1, answers.get(), "one answer");
    }

    @Test
    void requestNoSenderTookByTheDeadlineIs503AndIsNeverSent() throws Exception {
        Held a = heldAtTheBroker(ORDERS, "a");
        Held b = heldAtTheBroker(ORDERS, "b");
        CompletableFuture<List<String>> queued = single(ORDERS, "c");

        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(BrokerPublisher.DEADLINE_MILLIS + 1));
        publisher.expire();
        assertUnavailable(queued, "none was sent");
        broker.holdCommits = false;
        a.commit().release();
        b.commit().release();
        a.answer().get(10, TimeUnit.SECONDS);
        b.answer().get(10, TimeUnit.SECONDS);
        assertEquals(List.of("c"), single(ORDERS, "c").get(10, TimeUnit.SECONDS));
        assertEquals(List.of("a", "b", "c"), broker.stored.stream().sorted().toList(), "c stored once, by its retry");
    }

    @Test
    void sendTheBrokerHoldsPastTheLastGuardIs503AndIsEndedSoThatItsSenderGoesOn() throws Exception {
        Held held = heldAtTheBroker(ORDERS, "a");
        CompletableFuture<List<String>> retry = single(ORDERS, "a");
        assertFalse(broker.hasMoreCommits(), "the retry waits for the send holding its id");

        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(BrokerPublisher.ANSWER_MILLIS + 1));
        broker.holdCommits = false;
        publisher.expire();

        assertUnavailable(held.answer(), "has not answered in time");
        assertUnavailable(retry, "none was sent");
        assertEquals(List.of("a"), single(ORDERS, "a").get(10, TimeUnit.SECONDS), "its sender and its id are free again");
        assertEquals(List.of("a"), broker.stored, "stored once");
        assertEquals(0, publisher.pendingBytes());
        assertEquals(SENDERS, publisher.sendersAlive());
    }

    @Test
    void transactionRolledBackInAFailoverIsSentAgainWithTheSameIdsAndStoredOnce() throws Exception {
        broker.failNext(SendFailure.Reason.ROLLED_BACK);

        assertEquals(List.of("a", "b"), batch(ORDERS, "a", "b").get(10, TimeUnit.SECONDS));
        assertEquals(List.of("a", "b"), broker.stored);
    }

    @Test
    void sendWithAnUnknownOutcomeIs503NotSentAgainAndItsRetryIsStoredOnce() throws Exception {
        broker.failNextAfterStoring(SendFailure.Reason.OUTCOME_UNKNOWN);

        assertUnavailable(batch(ORDERS, "a", "b"), "did not confirm");
        assertFalse(broker.hasMoreCommits() && broker.nextCommit() != null && broker.hasMoreCommits(), "sent once");
        assertEquals(List.of("a", "b"), batch(ORDERS, "a", "b").get(10, TimeUnit.SECONDS));
        assertEquals(List.of("a", "b"), broker.stored);
    }

    @Test
    void failedSessionIsReplacedWithoutClosingAnyOtherSendersChannel() throws Exception {
        Held other = heldAtTheBroker(ORDERS, "a");
        broker.failNext(SendFailure.Reason.BROKEN);
        broker.holdCommits = false;

        assertUnavailable(single(JAM, "b"), "did not store");
        assertEquals(1, broker.opened.stream().filter(channel -> channel.closedBy != null).count(), "only the failed channel");
        other.commit().release();
        assertEquals(List.of("a"), other.answer().get(10, TimeUnit.SECONDS));
        assertEquals(List.of("c"), single(JAM, "c").get(10, TimeUnit.SECONDS));
    }

    @Test
    void rolledBackOutlastingTheResendsIsA503NeverA500() throws Exception {
        broker.failNext(SendFailure.Reason.ROLLED_BACK, SendFailure.Reason.ROLLED_BACK, SendFailure.Reason.ROLLED_BACK);

        assertUnavailable(single(ORDERS, "a"), "failed over");
        assertEquals(List.of(), broker.stored);
    }

    @Test
    void unreachableBrokerIsA503AtOnce() throws Exception {
        broker.unreachable = true;

        assertUnavailable(single(ORDERS, "a"), "not reachable");
    }

    @Test
    void fullAddressIsA503AndKeepsTheChannel() throws Exception {
        single(ORDERS, "warm").get(10, TimeUnit.SECONDS);
        broker.failNext(SendFailure.Reason.ADDRESS_FULL);

        assertUnavailable(single(ORDERS, "a"), "is full");
        assertEquals(List.of(), broker.opened.stream().filter(channel -> channel.closedBy != null).toList());
    }

    @Test
    void topicWithoutSubscriptionIsA503() throws Exception {
        broker.failNext(SendFailure.Reason.NO_SUBSCRIPTION);

        assertUnavailable(single(ORDERS, "a"), "no subscription");
    }

    @Test
    void threadsDoNotGrowWithTheNumberOfTopics() throws Exception {
        for (int i = 0; i < 300; i++) {
            assertEquals(List.of("m" + i), single(topic("topic-" + i), "m" + i).get(10, TimeUnit.SECONDS));
        }

        assertEquals(SENDERS, Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && thread.getName().startsWith("pipeline-send-")).count());
    }

    @Test
    void closeNeverInterruptsASendAnswersWhatIsQueuedAndEndsEverySender() throws Exception {
        broker.block(JAM.name());
        CompletableFuture<List<String>> blocked = single(JAM, "a");
        broker.nextCommit();
        CompletableFuture<List<String>> blockedToo = single(JAM, "b");
        broker.nextCommit();
        CompletableFuture<List<String>> queued = single(JAM, "c");

        Thread unblock = new Thread(() -> broker.unblock(JAM.name()));
        long started = System.nanoTime();
        CompletableFuture<Void> closing = CompletableFuture.runAsync(publisher::close);
        assertUnavailable(queued, "stopping");
        unblock.start();
        closing.get(10, TimeUnit.SECONDS);

        assertTrue(System.nanoTime() - started < TimeUnit.MILLISECONDS.toNanos(BrokerPublisher.STOP_WAIT_MILLIS + 2_000));
        assertFalse(broker.interrupted, "no thread interrupted inside the client");
        assertEquals(List.of("a"), blocked.get(10, TimeUnit.SECONDS), "the send in hand ends normally");
        blockedToo.exceptionally(failure -> null).get(10, TimeUnit.SECONDS);
        assertEquals(0, publisher.sendersAlive());
        for (FakeBroker.FakeChannel channel : broker.opened) {
            assertTrue(channel.closedBy != null && channel.closedBy.startsWith("pipeline-send-"), "closed by " + channel.closedBy);
            assertFalse(channel.closedWhileInUse);
        }
        assertTrue(assertThrows(UnavailableException.class, () -> publisher.admit(ORDERS)).getMessage().contains("stopping"));
    }

    /** An Error the client may throw, such as running out of memory, without running out of it. */
    private static final class OutOfMemoryErrorLike extends RuntimeException {
    }

    private record Held(CompletableFuture<List<String>> answer, FakeBroker.Commit commit) {
    }

    private Held heldAtTheBroker(Topic topic, String id) throws InterruptedException {
        broker.holdCommits = true;
        CompletableFuture<List<String>> answer = single(topic, id);
        return new Held(answer, broker.nextCommit());
    }

    /** An admission holding {@code bytes} of heap as counted. */
    private Admission admitted(Topic topic, long bytes) {
        PendingBytes.Held admission = (PendingBytes.Held) publisher.admit(topic);
        admission.take(bytes);
        return admission;
    }

    private CompletableFuture<List<String>> single(Topic topic, String id) {
        return publish(topic, List.of(message(id)));
    }

    private CompletableFuture<List<String>> batch(Topic topic, String... ids) {
        return publish(topic, Stream.of(ids).map(BrokerPublisherTest::message).toList());
    }

    private CompletableFuture<List<String>> publish(Topic topic, List<Outgoing> messages) {
        Admission admission = publisher.admit(topic);
        try {
            admission.read(250);
            admission.hold(messages);
        } catch (UnavailableException refused) {
            return CompletableFuture.failedFuture(refused);
        }
        return publisher.publish(topic, admission, messages).toCompletableFuture();
    }

    private static Outgoing message(String id) {
        return Outgoing.text(id, "body of " + id, Map.of("messageId", id));
    }

    private static Topic topic(String name) {
        return new Topic(name, Duration.ofHours(1), Set.of(name + "-writer"));
    }

    private static void assertUnavailable(CompletableFuture<List<String>> answer, String detail) throws Exception {
        ExecutionException failure = assertThrows(ExecutionException.class, () -> answer.get(10, TimeUnit.SECONDS));
        UnavailableException unavailable = assertInstanceOf(UnavailableException.class, failure.getCause());
        assertTrue(unavailable.getMessage().contains(detail), unavailable.getMessage());
        assertEquals(NotStored.RETRY_AFTER_SECONDS, unavailable.retryAfterSeconds());
    }
}
