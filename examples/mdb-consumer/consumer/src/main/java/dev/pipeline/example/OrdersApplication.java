package dev.pipeline.example;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

@ApplicationPath("")
public class OrdersApplication extends Application {
}
