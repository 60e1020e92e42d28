package dev.pipeline.produce.control;

import dev.pipeline.problem.InvalidRequestException;
import dev.pipeline.problem.TopicNotFoundException;
import dev.pipeline.produce.entity.Producer;
import dev.pipeline.topics.control.TopicCatalogue;
import dev.pipeline.topics.entity.Topic;
import dev.pipeline.v1.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * What a token may do: produce to a topic only when one of its groups is among the topic's
 * producers (unknown and forbidden topics look the same), and for an IMS Gateway token, speak
 * only for its own IMS org.
 */
public final class ProducerPolicy {

    private ProducerPolicy() {
    }

    public static Topic topic(TopicCatalogue catalogue, String topicName, Producer producer) {
        return catalogue.producibleTopic(topicName, producer.groups())
                .orElseThrow(TopicNotFoundException::new);
    }

    public static List<Message> withImsOrg(List<Message> messages, Producer producer, boolean batch) {
        if (producer.imsOrg().isEmpty()) {
            return messages;
        }
        String tokenOrg = producer.imsOrg().get();
        List<Message> stamped = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            Message message = messages.get(i);
            if (message.getImsOrg().isEmpty()) {
                stamped.add(message.toBuilder().setImsOrg(tokenOrg).build());
            } else if (message.getImsOrg().equals(tokenOrg)) {
                stamped.add(message);
            } else {
                String at = batch ? "[" + i + "]." : "";
                throw new InvalidRequestException("'" + at + "imsOrg' is '" + message.getImsOrg()
                        + "' but the gateway token speaks for IMS org '" + tokenOrg + "'");
            }
        }
        return stamped;
    }
}
