package dev.pipeline.example.orders.control;

import dev.pipeline.example.orders.entity.ReceivedOrder;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the listener processed, in memory, so that a test (or a curious operator) can see it. */
@ApplicationScoped
public class ReceivedOrders {

    private final List<ReceivedOrder> received = new CopyOnWriteArrayList<>();

    public void add(ReceivedOrder order) {
        received.add(order);
    }

    public List<ReceivedOrder> all() {
        return List.copyOf(received);
    }
}
