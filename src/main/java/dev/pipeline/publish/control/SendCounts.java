package dev.pipeline.publish.control;

import dev.pipeline.topics.entity.Topic;

/** Told of every transaction a send lane stored: how well singles coalesce shows in messages per transaction. */
interface SendCounts {

    void stored(Topic topic, int messages);
}
