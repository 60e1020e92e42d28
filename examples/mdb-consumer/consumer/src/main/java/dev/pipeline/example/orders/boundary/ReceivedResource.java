package dev.pipeline.example.orders.boundary;

import dev.pipeline.example.orders.control.ReceivedOrders;
import dev.pipeline.example.orders.entity.ReceivedOrder;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** GET /mdb-consumer/orders/received: every message the listener processed, in order. */
@Path("orders/received")
public class ReceivedResource {

    @Inject
    ReceivedOrders received;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<ReceivedOrder> received() {
        return received.all();
    }
}
