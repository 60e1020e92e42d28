package dev.pipeline.it;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many messages the gateway stored per broker transaction while a row ran, from the
 * application metrics {@code pipeline_publish_transactions_total} and
 * {@code pipeline_publish_transaction_messages_total} of one topic read before and after: for
 * singles, how many requests a lane committed together.
 */
record PublishGroups(double transactions, double messages) {

    /** Both counters of the topic in Payara's {@code /metrics?scope=application}; zero before the first send. */
    static PublishGroups read(HttpClient http, PayaraMicro payara, String topic) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(payara.uri("/metrics?scope=application"))
                .header("Accept", "text/plain").timeout(Duration.ofSeconds(30)).build();
        String text = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        return new PublishGroups(counter(text, "pipeline_publish_transactions_total", topic),
                counter(text, "pipeline_publish_transaction_messages_total", topic));
    }

    /** The counts from {@code before} to this reading. */
    PublishGroups since(PublishGroups before) {
        return new PublishGroups(transactions - before.transactions, messages - before.messages);
    }

    /** Messages per transaction; NaN without a transaction. */
    double meanSize() {
        return transactions == 0 ? Double.NaN : messages / transactions;
    }

    private static double counter(String metrics, String name, String topic) {
        Matcher line = Pattern.compile("^" + name + "\\{([^}]*)\\}\\s+(\\S+)", Pattern.MULTILINE).matcher(metrics);
        while (line.find()) {
            if (line.group(1).contains("topic=\"" + topic + "\"")) {
                return Double.parseDouble(line.group(2));
            }
        }
        return 0;
    }
}
