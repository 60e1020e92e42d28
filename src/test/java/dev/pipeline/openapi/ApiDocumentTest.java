package dev.pipeline.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pipeline.problem.Problem;
import dev.pipeline.problem.ProblemMapper;
import dev.pipeline.produce.boundary.MessagesResource;
import dev.pipeline.produce.control.RequestBodyReader;
import dev.pipeline.produce.entity.BodyFormat;
import dev.pipeline.produce.entity.ProduceRequest;
import dev.pipeline.v1.Message;
import dev.pipeline.v1.MessageBatch;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The API document {@code /openapi} serves (META-INF/openapi.yaml) against the code that answers the
 * requests, so that the two cannot drift: the media types and encodings are those the reader
 * accepts, read as the document says; the statuses and headers are those the resource, the problems
 * and their mappers can answer.
 */
class ApiDocumentTest {

    private static final String PRODUCE_PATH = "/topics/{topicName}/messages";
    private static final OpenAPI DOCUMENT = parsed();
    private static final Operation PRODUCE = DOCUMENT.getPaths().get(PRODUCE_PATH).getPost();
    private static final Message ONE = Message.newBuilder().setMessage("one").build();

    @Test
    void documentIsValidOpenApiAndItsPathIsTheResourcesPath() throws Exception {
        Method produce = MessagesResource.class.getMethod("produce", String.class, String.class, String.class, String.class,
                String.class, jakarta.ws.rs.core.SecurityContext.class, jakarta.ws.rs.container.ContainerRequestContext.class,
                InputStream.class);

        assertEquals("/" + MessagesResource.class.getAnnotation(Path.class).value() + "/" + produce.getAnnotation(Path.class).value(),
                PRODUCE_PATH);
        assertNotNull(produce.getAnnotation(POST.class));
        assertEquals(Set.of(PRODUCE_PATH), DOCUMENT.getPaths().keySet());
    }

    @Test
    void requestBodyListsExactlyTheMediaTypesTheReaderAccepts() {
        assertEquals(new TreeSet<>(RequestBodyReader.MEDIA_TYPES), new TreeSet<>(PRODUCE.getRequestBody().getContent().keySet()));
    }

    @Test
    void eachDocumentedMediaTypeIsReadAsItsSchemaSays() {
        for (Map.Entry<String, MediaType> content : PRODUCE.getRequestBody().getContent().entrySet()) {
            String type = content.getKey();
            Schema<?> schema = content.getValue().getSchema();
            if (schema.getOneOf() != null) {
                assertTrue(type.startsWith(RequestBodyReader.JSON), type);
                assertEquals(List.of("#/components/schemas/Message", "array"),
                        schema.getOneOf().stream().map(one -> one.get$ref() != null ? one.get$ref() : one.getType()).toList(), type);
                assertRead(type, null, "{\"message\":\"one\"}".getBytes(StandardCharsets.UTF_8), BodyFormat.JSON, false);
                assertRead(type, null, "[{\"message\":\"one\"}]".getBytes(StandardCharsets.UTF_8), BodyFormat.JSON, true);
            } else if (schema.get$ref().equals("#/components/schemas/ProtobufMessage")) {
                assertRead(type, null, ONE.toByteArray(), BodyFormat.PROTOBUF, false);
            } else {
                assertEquals("#/components/schemas/ProtobufBatch", schema.get$ref(), type);
                assertRead(type, null, MessageBatch.newBuilder().addMessages(ONE).build().toByteArray(), BodyFormat.PROTOBUF, true);
            }
        }
        for (String protobuf : List.of("ProtobufMessage", "ProtobufBatch")) {
            Schema<?> binary = DOCUMENT.getComponents().getSchemas().get(protobuf);
            assertEquals(List.of("string", "binary"), List.of(binary.getType(), binary.getFormat()), protobuf);
        }
    }

    @Test
    void contentTypesOutsideTheRequestBodyAreTheOnesItsDescriptionNames() {
        String description = PRODUCE.getDescription();

        assertTrue(description.contains("without Content-Type is read as one pipeline.v1.Message"), description);
        assertRead(null, null, ONE.toByteArray(), BodyFormat.PROTOBUF, false);
        assertTrue(description.contains("the bare `" + RequestBodyReader.BARE_PROTOBUF + "`"), description);
        assertRead(RequestBodyReader.BARE_PROTOBUF, null, ONE.toByteArray(), BodyFormat.PROTOBUF, false);
        assertTrue(description.contains("Any other Content-Type: 400"), description);
    }

    @Test
    void contentEncodingListsTheEncodingsTheReaderUndoes() throws IOException {
        Parameter encoding = PRODUCE.getParameters().stream().filter(parameter -> parameter.getName().equals("Content-Encoding"))
                .findFirst().orElseThrow();
        assertEquals("header", encoding.getIn());
        assertEquals(RequestBodyReader.CONTENT_ENCODINGS, encoding.getSchema().getEnum());
        for (String name : RequestBodyReader.CONTENT_ENCODINGS) {
            byte[] body = name.equals("identity") ? ONE.toByteArray() : gzip(ONE.toByteArray());
            assertRead(RequestBodyReader.PROTOBUF, name, body, BodyFormat.PROTOBUF, false);
        }
    }

    @Test
    void noParameterIsOneOpenApiIgnores() {
        Set<String> ignored = Set.of("content-type", "accept", "authorization");
        assertEquals(List.of(), PRODUCE.getParameters().stream()
                .filter(parameter -> parameter.getIn().equals("header") && ignored.contains(parameter.getName().toLowerCase()))
                .map(Parameter::getName).toList());
    }

    @Test
    void responsesAreExactlyTheStatusesTheCodeCanAnswerWithTheirHeadersAndProblemBodies() throws Exception {
        Map<Integer, Set<String>> answerable = answerable();

        Map<Integer, ApiResponse> documented = new TreeMap<>();
        PRODUCE.getResponses().forEach((status, response) -> documented.put(Integer.valueOf(status), response));
        assertEquals(answerable.keySet(), documented.keySet(), "statuses");
        for (Map.Entry<Integer, Set<String>> status : answerable.entrySet()) {
            ApiResponse response = documented.get(status.getKey());
            Set<String> headers = response.getHeaders() == null ? Set.of() : response.getHeaders().keySet();
            assertEquals(status.getValue(), headers, "headers of " + status.getKey());
            assertEquals(Set.of(RequestBodyReader.JSON), response.getContent().keySet(), "body type of " + status.getKey());
            String body = response.getContent().get(RequestBodyReader.JSON).getSchema().get$ref();
            assertEquals(status.getKey() == 200 ? "#/components/schemas/MessageIds" : "#/components/schemas/Problem", body,
                    "body of " + status.getKey());
        }
        assertEquals(Set.of("type", "title", "status", "detail"),
                DOCUMENT.getComponents().getSchemas().get("Problem").getProperties().keySet());
        assertEquals(Set.of("type", "title", "status", "detail"),
                jakarta.json.Json.createReader(new java.io.StringReader(ProblemMapper.body(400, "Bad Request", "d"))).readObject().keySet());
    }

    /**
     * Status to the headers it carries: 200; every status a {@link Problem} is made with; every
     * status the problem package's mappers answer their exceptions with; and what JAX-RS answers
     * itself for the resource's annotations (406 for {@code @Produces}, 415 for {@code @Consumes}).
     */
    private static Map<Integer, Set<String>> answerable() throws Exception {
        Map<Integer, Set<String>> statuses = new TreeMap<>();
        statuses.put(200, Set.of());
        for (Method factory : Problem.class.getMethods()) {
            if (Modifier.isStatic(factory.getModifiers()) && factory.getReturnType() == Problem.class) {
                add(statuses, ((Problem) factory.invoke(null, arguments(factory.getParameterTypes()))).getResponse());
            }
        }
        Logger unexpected = Logger.getLogger("dev.pipeline.problem.UnexpectedFailureMapper");
        Level level = unexpected.getLevel();
        unexpected.setLevel(Level.OFF);
        try {
            for (Class<?> mapper : problemPackageClasses()) {
                if (ExceptionMapper.class.isAssignableFrom(mapper) && mapper.isAnnotationPresent(Provider.class)) {
                    Class<?> mapped = mappedException(mapper);
                    if (!WebApplicationException.class.isAssignableFrom(mapped)) {
                        @SuppressWarnings("unchecked")
                        ExceptionMapper<Throwable> instance = (ExceptionMapper<Throwable>) mapper.getConstructor().newInstance();
                        add(statuses, instance.toResponse(instance(mapped)));
                    }
                }
            }
        } finally {
            unexpected.setLevel(level);
        }
        Method produce = Arrays.stream(MessagesResource.class.getMethods()).filter(method -> method.isAnnotationPresent(POST.class))
                .findFirst().orElseThrow();
        if (produce.isAnnotationPresent(Produces.class) || MessagesResource.class.isAnnotationPresent(Produces.class)) {
            statuses.put(406, Set.of());
        }
        if (produce.isAnnotationPresent(Consumes.class) || MessagesResource.class.isAnnotationPresent(Consumes.class)) {
            statuses.put(415, Set.of());
        }
        return statuses;
    }

    private static void add(Map<Integer, Set<String>> statuses, Response response) {
        Set<String> headers = new TreeSet<>(statuses.getOrDefault(response.getStatus(), Set.of()));
        // OpenAPI describes the body's type as content, not as a header.
        response.getHeaders().keySet().stream().filter(name -> !name.equalsIgnoreCase("Content-Type")).forEach(headers::add);
        statuses.put(response.getStatus(), headers);
    }

    private static List<Class<?>> problemPackageClasses() throws Exception {
        java.nio.file.Path folder = java.nio.file.Path.of(Problem.class.getResource("Problem.class").toURI()).getParent();
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.list(folder)) {
            for (String file : files.map(f -> f.getFileName().toString()).filter(name -> name.endsWith(".class")).toList()) {
                classes.add(Class.forName(Problem.class.getPackageName() + "." + file.substring(0, file.length() - ".class".length())));
            }
        }
        return classes;
    }

    private static Class<?> mappedException(Class<?> mapper) {
        for (Type type : mapper.getGenericInterfaces()) {
            if (type instanceof ParameterizedType parameterized && parameterized.getRawType() == ExceptionMapper.class) {
                return (Class<?>) parameterized.getActualTypeArguments()[0];
            }
        }
        throw new AssertionError(mapper + " names no exception type");
    }

    private static Throwable instance(Class<?> exception) throws Exception {
        if (Modifier.isAbstract(exception.getModifiers()) || exception == Throwable.class || exception == Exception.class) {
            return new IllegalStateException("unexpected");
        }
        Constructor<?> constructor = Arrays.stream(exception.getConstructors())
                .min((a, b) -> Integer.compare(a.getParameterCount(), b.getParameterCount())).orElseThrow();
        return (Throwable) constructor.newInstance(arguments(constructor.getParameterTypes()));
    }

    private static Object[] arguments(Class<?>[] types) {
        return Arrays.stream(types).map(type -> type == int.class ? (Object) 1 : type == String.class ? "detail"
                : failOn(type)).toArray();
    }

    private static Object failOn(Class<?> type) {
        throw new AssertionError("no test argument for a parameter of type " + type);
    }

    private static void assertRead(String contentType, String encoding, byte[] body, BodyFormat format, boolean batch) {
        ProduceRequest request = RequestBodyReader.read(contentType, encoding, new ByteArrayInputStream(body));
        assertEquals(format, request.format(), contentType);
        assertEquals(batch, request.batch(), contentType);
        assertFalse(request.messages().isEmpty(), contentType);
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        }
        return out.toByteArray();
    }

    private static OpenAPI parsed() {
        try (InputStream yaml = ApiDocumentTest.class.getResourceAsStream("/META-INF/openapi.yaml")) {
            ParseOptions options = new ParseOptions();
            options.setResolve(true);
            SwaggerParseResult result = new OpenAPIV3Parser().readContents(new String(yaml.readAllBytes(), StandardCharsets.UTF_8),
                    null, options);
            assertEquals(List.of(), result.getMessages(), "swagger-parser's messages");
            return result.getOpenAPI();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
