package dev.pipeline.broker.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pipeline.publish.control.SendFailure.Reason;
import jakarta.jms.JMSException;
import jakarta.jms.TransactionRolledBackException;
import org.apache.activemq.artemis.api.core.ActiveMQAddressFullException;
import org.apache.activemq.artemis.api.core.ActiveMQDuplicateIdException;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQConnectionTimedOutException;
import org.apache.activemq.artemis.api.core.ActiveMQInterruptedException;
import org.apache.activemq.artemis.api.core.ActiveMQNotConnectedException;
import org.apache.activemq.artemis.api.core.ActiveMQObjectClosedException;
import org.apache.activemq.artemis.api.core.ActiveMQTransactionOutcomeUnknownException;
import org.apache.activemq.artemis.api.core.ActiveMQTransactionRolledBackException;
import org.apache.activemq.artemis.api.core.ActiveMQUnBlockedException;
import org.junit.jupiter.api.Test;

/** What each broker failure means for the send path, read from the client's exception types, never their text. */
class ArtemisChannelTest {

    @Test
    void commitRefusedForAStoredIdIsADuplicate() {
        assertEquals(Reason.DUPLICATE, ArtemisChannel.reason(asTheJmsClientThrowsIt(new ActiveMQDuplicateIdException())));
    }

    @Test
    void textSayingDuplicateWithoutTheTypeIsNotTakenForOne() {
        assertEquals(Reason.BROKEN, ArtemisChannel.reason(new JMSException("AMQ229249: Duplicate message detected")));
    }

    @Test
    void refusalOfAFullAddressIsAddressFull() {
        assertEquals(Reason.ADDRESS_FULL, ArtemisChannel.reason(asTheJmsClientThrowsIt(new ActiveMQAddressFullException())));
    }

    @Test
    void transactionRolledBackByAFailoverMayBeSentAgain() {
        assertEquals(Reason.ROLLED_BACK, ArtemisChannel.reason(asTheJmsClientThrowsIt(new ActiveMQTransactionRolledBackException("AMQ219030"))));
        assertEquals(Reason.ROLLED_BACK, ArtemisChannel.reason(new TransactionRolledBackException("AMQ219030")));
    }

    @Test
    void commitWithAnUnknownOutcomeIsUnknownNotRolledBack() {
        assertEquals(Reason.OUTCOME_UNKNOWN, ArtemisChannel.reason(asTheJmsClientThrowsIt(new ActiveMQTransactionOutcomeUnknownException("AMQ219031"))));
    }

    @Test
    void callUnblockedByAConnectionFailureHasAnUnknownOutcome() {
        assertEquals(Reason.OUTCOME_UNKNOWN, ArtemisChannel.reason(asTheJmsClientThrowsIt(new ActiveMQUnBlockedException("AMQ219016"))));
    }

    @Test
    void callTimeoutAndAnInterruptedCallHaveAnUnknownOutcomeAndDoNotBreakTheConnection() {
        assertEquals(Reason.OUTCOME_UNKNOWN, ArtemisChannel.reason(asTheJmsClientThrowsIt(new ActiveMQConnectionTimedOutException("AMQ219014"))));
        assertEquals(Reason.OUTCOME_UNKNOWN, ArtemisChannel.reason(new ActiveMQInterruptedException(new InterruptedException())));
        assertEquals(Reason.OUTCOME_UNKNOWN, ArtemisChannel.reason(asTheJmsClientThrowsIt(new ActiveMQNotConnectedException())));
    }

    @Test
    void anythingElseBreaksTheChannel() {
        assertEquals(Reason.BROKEN, ArtemisChannel.reason(asTheJmsClientThrowsIt(new ActiveMQObjectClosedException())));
        assertEquals(Reason.BROKEN, ArtemisChannel.reason(new IllegalStateException("session closed")));
    }

    private static JMSException asTheJmsClientThrowsIt(ActiveMQException core) {
        JMSException jms = new JMSException(core.getMessage());
        jms.initCause(core);
        jms.setLinkedException(core);
        return jms;
    }
}
