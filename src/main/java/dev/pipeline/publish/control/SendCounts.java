package dev.pipeline.publish.control;

import dev.pipeline.topics.entity.Topic;

/** Told of every send a lane stored (a transaction, or a message alone): how well singles coalesce shows in messages per send. */
interface SendCounts {

    void stored(Topic topic, int messages);
}
