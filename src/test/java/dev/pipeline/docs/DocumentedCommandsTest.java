package dev.pipeline.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every command the documentation tells a reader to run is one a test or script runs, so that the
 * pages cannot go stale. A block fenced as {@code sh} (or bash, shell, console) holds commands; the line
 * above its fence names its runners, {@code <!-- run by: .ci/run, TlsIT -->}: scripts by their path in the
 * repository, tests by their class name. Each command of the block must be found, as written, in one of
 * them (continued lines joined, a trailing comment dropped, runs of white space read as one space; in
 * Java as one string literal). A line that only sets a variable ({@code PORT=9090}) is the reader's own
 * setting and needs no runner. Output and configuration excerpts are fenced as anything else.
 */
class DocumentedCommandsTest {

    private static final Path REPO = Path.of("").toAbsolutePath();
    private static final Pattern FENCE = Pattern.compile("^\\s*```\\s*([\\w-]*).*$");
    private static final Pattern RUN_BY = Pattern.compile("^\\s*<!--\\s*run by:\\s*(.+?)\\s*-->\\s*$");
    private static final Pattern ASSIGNMENT =
            Pattern.compile("^(export\\s+)?[A-Za-z_][A-Za-z0-9_]*=(\"[^\"$`]*\"|'[^']*'|[^\\s$`;|&'\"]*)$");
    private static final List<String> COMMAND_LANGUAGES = List.of("sh", "bash", "shell", "console");

    /** The scripts a runner may be: what CI runs, or what a test or CI names. */
    private static final List<Path> ENTRY_POINTS = List.of(Path.of(".ci/run"), Path.of("docker/test.sh"));

    @Test
    void everyDocumentedCommandIsRunByTheTestOrScriptNamedAboveIt() {
        List<String> problems = new ArrayList<>();
        for (Path page : pages()) {
            for (CommandBlock block : commandBlocks(page)) {
                problems.addAll(check(block));
            }
        }
        assertEquals("", String.join("\n", problems));
    }

    @Test
    void thePagesHaveCommandsAtAll() {
        assertFalse(commandBlocks(REPO.resolve("README.md")).isEmpty(), "README.md has no sh block");
        assertFalse(commandBlocks(REPO.resolve("server-config/README.md")).isEmpty(),
                "server-config/README.md has no sh block");
    }

    @Test
    void aCommandNoRunnerHasIsReported() throws IOException {
        Path page = Files.createTempFile("page", ".md");
        try {
            Files.writeString(page, """
                    <!-- run by: .ci/run -->
                    ```sh
                    PORT=9090
                    mvn verify   # all of it
                    rm -rf / --no-preserve-root
                    ```
                    ```sh
                    mvn verify
                    ```
                    """);
            List<String> problems = new ArrayList<>();
            commandBlocks(page).forEach(block -> problems.addAll(check(block)));
            assertEquals(2, problems.size(), String.join("\n", problems));
            assertEquals(true, problems.get(0).contains("rm -rf / --no-preserve-root"), problems.get(0));
            assertEquals(true, problems.get(1).contains("no <!-- run by:"), problems.get(1));
        } finally {
            Files.delete(page);
        }
    }

    record CommandBlock(Path page, int line, List<String> runners, List<String> commands) {
    }

    private static List<String> check(CommandBlock block) {
        String where = REPO.relativize(block.page().toAbsolutePath()) + ":" + block.line();
        if (block.runners().isEmpty()) {
            return List.of(where + ": a command block with no <!-- run by: ... --> line above it");
        }
        List<String> problems = new ArrayList<>();
        List<String> runnerTexts = new ArrayList<>();
        for (String runner : block.runners()) {
            Optional<Path> file = runnerFile(runner);
            if (file.isEmpty()) {
                problems.add(where + ": runner " + runner + " is neither a file of the repository nor a test class");
            } else if (!isRun(runner, file.get())) {
                problems.add(where + ": runner " + runner + " is run by nothing (not .ci/run, docker/test.sh or named by a test)");
            } else {
                runnerTexts.add(normalised(read(file.get()), file.get().toString().endsWith(".java")));
            }
        }
        for (String command : block.commands()) {
            String wanted = collapse(command);
            if (runnerTexts.stream().noneMatch(text -> text.contains(wanted))) {
                problems.add(where + ": `" + wanted + "` is not run by " + String.join(", ", block.runners()));
            }
        }
        return problems;
    }

    private static Optional<Path> runnerFile(String runner) {
        if (runner.contains("/") || runner.contains(".")) {
            Path file = REPO.resolve(runner);
            return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
        }
        try (Stream<Path> files = Stream.of("src/test/java", "src/bench").map(REPO::resolve).filter(Files::isDirectory)
                .flatMap(DocumentedCommandsTest::walk)) {
            return files.filter(file -> file.getFileName().toString().equals(runner + ".java")).findFirst();
        }
    }

    /** A test class runs in the build; a script only if CI runs it, or a test or one of CI's scripts names it. */
    private static boolean isRun(String runner, Path file) {
        if (file.toString().endsWith(".java") || ENTRY_POINTS.contains(Path.of(runner))) {
            return true;
        }
        Stream<Path> callers = Stream.of(walk(REPO.resolve(".ci")).filter(Files::isRegularFile),
                ENTRY_POINTS.stream().map(REPO::resolve),
                walk(REPO.resolve("src/test")).filter(path -> path.toString().endsWith(".java"))).flatMap(files -> files);
        try (callers) {
            return callers.anyMatch(caller -> read(caller).contains(runner));
        }
    }

    static List<CommandBlock> commandBlocks(Path page) {
        List<String> lines = List.of(read(page).split("\n", -1));
        List<CommandBlock> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher fence = FENCE.matcher(lines.get(i));
            if (!fence.matches()) {
                continue;
            }
            int end = i + 1;
            while (end < lines.size() && !lines.get(end).strip().startsWith("```")) {
                end++;
            }
            if (COMMAND_LANGUAGES.contains(fence.group(1))) {
                blocks.add(new CommandBlock(page, i + 1, runners(lines, i), commands(lines.subList(i + 1, Math.min(end, lines.size())))));
            }
            i = end;
        }
        return blocks;
    }

    private static List<String> runners(List<String> lines, int fence) {
        int above = fence - 1;
        while (above >= 0 && lines.get(above).isBlank()) {
            above--;
        }
        Matcher runBy = above >= 0 ? RUN_BY.matcher(lines.get(above)) : null;
        if (runBy == null || !runBy.matches()) {
            return List.of();
        }
        return Stream.of(runBy.group(1).split(",")).map(String::strip).filter(runner -> !runner.isEmpty()).toList();
    }

    private static List<String> commands(List<String> body) {
        List<String> commands = new ArrayList<>();
        StringBuilder command = new StringBuilder();
        for (String line : body) {
            String text = withoutComment(line);
            if (text.endsWith("\\")) {
                command.append(text, 0, text.length() - 1).append(' ');
                continue;
            }
            command.append(text);
            String whole = collapse(command.toString());
            command.setLength(0);
            if (!whole.isEmpty() && !ASSIGNMENT.matcher(whole).matches()) {
                commands.add(whole);
            }
        }
        return commands;
    }

    /** The line without a comment: a {@code #} that starts the line or follows white space, outside quotes. */
    private static String withoutComment(String line) {
        boolean single = false;
        boolean dbl = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'' && !dbl) {
                single = !single;
            } else if (c == '"' && !single) {
                dbl = !dbl;
            } else if (c == '#' && !single && !dbl && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i).stripTrailing();
            }
        }
        return line.stripTrailing();
    }

    private static String normalised(String text, boolean java) {
        String joined = text.replace("\\\n", " ");
        if (java) {
            joined = joined.replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return collapse(joined);
    }

    private static String collapse(String text) {
        return text.strip().replaceAll("\\s+", " ");
    }

    private static List<Path> pages() {
        try (Stream<Path> top = walk(REPO, 1)) {
            return top.filter(path -> !path.equals(REPO) && !Set.of("target", ".git").contains(path.getFileName().toString()))
                    .flatMap(DocumentedCommandsTest::walk)
                    .filter(path -> path.toString().endsWith(".md"))
                    .filter(path -> Stream.of("target", ".git", "node_modules")
                            .noneMatch(skipped -> REPO.relativize(path).toString().startsWith(skipped)
                                    || REPO.relativize(path).toString().contains("/" + skipped + "/")))
                    .sorted().toList();
        }
    }

    private static Stream<Path> walk(Path root) {
        return walk(root, Integer.MAX_VALUE);
    }

    private static Stream<Path> walk(Path root, int depth) {
        try {
            return Files.walk(root, depth);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
