import javax.jms.Connection;
import javax.jms.JMSException;
import javax.jms.Message;
import javax.jms.MessageConsumer;
import javax.jms.Session;
import javax.jms.TextMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * The JMS consumer docker/test.sh reads the stacks' subscriptions with, from the host: consumes every
 * message of one subscription queue until none arrives for a while and prints each as
 * {@code messageId<TAB>body} (the body on one line). Run with the Artemis distribution's client
 * jars, as a single-file program:
 *
 * <pre>java -cp 'target/artemis/apache-artemis-2.40.0/lib/*' docker/ReadMessages.java URL USER PASSWORD orders::orders-audit [IDLE_MS]</pre>
 */
public class ReadMessages {

    public static void main(String[] args) throws JMSException {
        if (args.length < 4) {
            System.err.println("usage: ReadMessages URL USER PASSWORD TOPIC::SUBSCRIPTION [IDLE_MS]");
            System.exit(2);
        }
        long idleMillis = args.length > 4 ? Long.parseLong(args[4]) : 3000;
        var factory = new ActiveMQConnectionFactory(args[0], args[1], args[2]);
        try (factory; Connection connection = factory.createConnection()) {
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            // The fully qualified queue name reads the durable subscription's queue itself.
            MessageConsumer consumer = session.createConsumer(session.createQueue(args[3]));
            connection.start();
            for (Message message = consumer.receive(idleMillis); message != null; message = consumer.receive(idleMillis)) {
                String body = message instanceof TextMessage text ? text.getText() : "(" + message.getClass().getSimpleName() + ")";
                System.out.println(message.getStringProperty("messageId") + "\t" + body.replace('\n', ' '));
            }
        }
    }
}
