package dev.pipeline.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The messageIds of every request sent and of every request answered 200, checked against what
 * the topics' subscriptions read back: an acknowledged message missing (lost), a message read more
 * than once (stored twice), a request stored in part (a batch is all or nothing).
 */
final class DeliveryLedger {

    /** What the read-back found, with a few examples of each fault. */
    record Check(int sentRequests, int acknowledgedRequests, int acknowledgedMessages, int lost, int duplicated,
            int partialRequests, List<String> examples) {

        boolean clean() {
            return lost == 0 && duplicated == 0 && partialRequests == 0;
        }

        @Override
        public String toString() {
            return "sent requests=%d, acknowledged requests=%d (%d messages), lost=%d, stored twice=%d, stored in part=%d%s"
                    .formatted(sentRequests, acknowledgedRequests, acknowledgedMessages, lost, duplicated, partialRequests,
                            examples.isEmpty() ? "" : ", e.g. " + examples);
        }
    }

    private final Map<String, List<String>> sent = new ConcurrentHashMap<>();
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();

    /** A request about to be sent (again: a retry with the same ids is one request). */
    void sent(List<String> ids) {
        sent.putIfAbsent(ids.get(0), List.copyOf(ids));
    }

    /** A request answered 200. */
    void acknowledged(List<String> ids) {
        acknowledged.add(ids.get(0));
    }

    Check check(Map<String, Integer> received) {
        List<String> examples = new ArrayList<>();
        int lost = 0;
        int acknowledgedMessages = 0;
        int partial = 0;
        for (Map.Entry<String, List<String>> request : sent.entrySet()) {
            List<String> ids = request.getValue();
            long stored = ids.stream().filter(received::containsKey).count();
            if (acknowledged.contains(request.getKey())) {
                acknowledgedMessages += ids.size();
                List<String> missing = ids.stream().filter(id -> !received.containsKey(id)).toList();
                lost += missing.size();
                if (!missing.isEmpty() && examples.size() < 6) {
                    examples.add("acknowledged but not stored: " + missing.get(0));
                }
            }
            if (stored != 0 && stored != ids.size()) {
                partial++;
                if (examples.size() < 6) {
                    examples.add("%d of %d stored: %s".formatted(stored, ids.size(), request.getKey()));
                }
            }
        }
        int duplicated = 0;
        for (Map.Entry<String, Integer> id : received.entrySet()) {
            if (id.getValue() > 1) {
                duplicated++;
                if (examples.size() < 6) {
                    examples.add("stored %d times: %s".formatted(id.getValue(), id.getKey()));
                }
            }
        }
        return new Check(sent.size(), acknowledged.size(), acknowledgedMessages, lost, duplicated, partial, examples);
    }
}
