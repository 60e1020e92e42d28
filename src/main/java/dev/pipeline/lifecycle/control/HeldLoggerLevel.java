package dev.pipeline.lifecycle.control;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;

/**
 * A container logger held at a level for as long as the application runs, unless its operator
 * chose a level for it. The logger is kept here: java.util.logging holds loggers weakly, and a
 * collected one would come back without the level.
 */
public final class HeldLoggerLevel {

    private final Logger logger;
    private final Level level;

    private HeldLoggerLevel(Logger logger, Level level) {
        this.logger = logger;
        this.level = level;
    }

    /**
     * Sets the level, unless the operator configured one: a {@code <name>.level} property of the
     * logging configuration ({@code logManagerProperty}, e.g. {@code LogManager::getProperty}) or a
     * level already set on the logger. Empty when left alone.
     */
    public static Optional<HeldLoggerLevel> hold(String name, Level level, UnaryOperator<String> logManagerProperty) {
        Logger logger = Logger.getLogger(name);
        if (logManagerProperty.apply(name + ".level") != null || logger.getLevel() != null) {
            return Optional.empty();
        }
        logger.setLevel(level);
        return Optional.of(new HeldLoggerLevel(logger, level));
    }

    /** {@link #hold} for each name, against the running log manager's configuration; those held. */
    public static List<HeldLoggerLevel> holdAll(List<String> names, Level level) {
        return names.stream().flatMap(name -> hold(name, level, LogManager.getLogManager()::getProperty).stream()).toList();
    }

    public String name() {
        return logger.getName();
    }

    public Level level() {
        return level;
    }

    /** Gives the logger back its parent's level, unless someone set another one meanwhile. */
    public void release() {
        if (logger.getLevel() == level) {
            logger.setLevel(null);
        }
    }
}
