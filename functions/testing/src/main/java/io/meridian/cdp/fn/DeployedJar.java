package io.meridian.cdp.fn;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A function's deployable jar run the way Lambda runs it in production, in a JVM of its own: the
 * handler is built by its public no-argument constructor, so it reads its environment (bucket,
 * stream, config location, {@code AWS_ENDPOINT_URL}) and creates its AWS clients from the jar's own
 * copy of the SDK. Tests point that environment at moto server, which is what proves the shrunk
 * jar's SDK, HTTP client and signing work, not only the handler's logic.
 *
 * <p>{@link #invoke} starts {@code java} with the calling JVM's class path (which holds this class
 * and the runtime's event serialization library) and runs {@link #main}, which loads the jar in its
 * own class loader ({@link LambdaJar}), handles one event and prints the response as JSON.
 */
public final class DeployedJar {
  private static final String RESPONSE = "RESPONSE ";
  private static final ObjectMapper JSON = new ObjectMapper();

  private DeployedJar() {}

  /**
   * What one invocation gave.
   *
   * @param response the handler's response as JSON
   * @param output everything else the function wrote to standard output and error: its log
   */
  public record Invocation(String response, String output) {}

  /**
   * Handles the event in {@code eventFile} with {@code handlerClass} of {@code jar} in a new JVM
   * whose environment is {@code env} added to this one's.
   *
   * @param eventClass the Lambda event class, or {@code "json"} for handlers of JSON objects
   *     ({@code RequestHandler<Map<String, Object>, ?>}, such as Step Functions tasks)
   * @return the handler's response and the function's log
   * @throws IllegalStateException with the child's output when the handler failed
   */
  public static Invocation invoke(
      Path jar,
      String handlerClass,
      String eventClass,
      Path eventFile,
      Map<String, String> env,
      List<String> jvmOptions) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(DeployedJar.class.getName());
    command.add(jar.toAbsolutePath().toString());
    command.add(handlerClass);
    command.add(eventClass);
    command.add(eventFile.toAbsolutePath().toString());
    try {
      Path log = Files.createTempFile("deployed-jar", ".log");
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
      pb.redirectOutput(log.toFile());
      pb.environment().putAll(env);
      Process process = pb.start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(handlerClass + " did not answer within 120 s");
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      Files.deleteIfExists(log);
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            handlerClass + " failed (exit " + process.exitValue() + "):\n" + output);
      }
      String response =
          output
              .lines()
              .filter(l -> l.startsWith(RESPONSE))
              .reduce((a, b) -> b)
              .map(l -> l.substring(RESPONSE.length()))
              .orElseThrow(() -> new IllegalStateException("no response in:\n" + output));
      String functionLog =
          String.join("\n", output.lines().filter(l -> !l.startsWith(RESPONSE)).toList());
      return new Invocation(response, functionLog);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Child side: {@code JAR HANDLER_CLASS EVENT_CLASS|json EVENT_FILE}. */
  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: DeployedJar JAR HANDLER_CLASS EVENT_CLASS|json EVENT_FILE");
      System.exit(2);
    }
    try (LambdaJar jar = LambdaJar.open(Path.of(args[0]))) {
      Object handler = jar.construct(args[1], List.of());
      String response;
      if (args[2].equals("json")) {
        Map<?, ?> input = JSON.readValue(Path.of(args[3]).toFile(), Map.class);
        Method m =
            handler
                .getClass()
                .getMethod(
                    "handleRequest",
                    Map.class,
                    jar.type("com.amazonaws.services.lambda.runtime.Context"));
        response = JSON.writeValueAsString(m.invoke(handler, input, null));
      } else {
        Object result = jar.handle(handler, jar.eventFromFile(Path.of(args[3]), args[2]));
        response = result == null ? "null" : jar.toJson(result);
      }
      System.out.println(RESPONSE + response);
    }
  }
}
