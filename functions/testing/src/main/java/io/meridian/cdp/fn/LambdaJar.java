package io.meridian.cdp.fn;

import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * A function's deployable jar ({@code target/<artifactId>-lambda.jar}) loaded on its own, with
 * nothing of the build's class path visible, and driven the way the Lambda Java runtime drives it:
 * events deserialized by {@code aws-lambda-java-serialization} against the jar's own event classes.
 * Proves the shaded jar holds everything the handler needs. Reflection is the price of the separate
 * class loader, and stays in tests.
 */
public final class LambdaJar implements AutoCloseable {
  private final URLClassLoader loader;

  private LambdaJar(URLClassLoader loader) {
    this.loader = loader;
  }

  /** The jar named by the {@code lambda.jar} system property (set by the failsafe plugin). */
  public static LambdaJar open() throws IOException {
    return open(Path.of(System.getProperty("lambda.jar", "target/lambda.jar")));
  }

  /** The deployable jar at {@code jar}. */
  public static LambdaJar open(Path jar) throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " does not exist: run this test with `mvn verify`");
    }
    return new LambdaJar(
        new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader()));
  }

  public Class<?> type(String name) throws ClassNotFoundException {
    return Class.forName(name, false, loader);
  }

  /** A new instance through the (package-private) constructor with {@code parameterTypes}. */
  public Object construct(String className, List<Class<?>> parameterTypes, Object... args)
      throws Exception {
    Constructor<?> c =
        type(className).getDeclaredConstructor(parameterTypes.toArray(Class<?>[]::new));
    c.setAccessible(true);
    return unwrap(() -> c.newInstance(args));
  }

  /** {@code test-events/cdp.yaml} read by the jar's own config classes. */
  public Object config() throws Exception {
    Method load = type("io.meridian.cdp.tenant.ConfigFile").getMethod("load", Path.class);
    return unwrap(() -> load.invoke(null, Fixtures.path("cdp.yaml")));
  }

  /** The fixture deserialized into the jar's event class, as the Lambda runtime does it. */
  public Object event(String fixture, String eventClass) throws Exception {
    return eventFromFile(Fixtures.path(fixture), eventClass);
  }

  /** The JSON in {@code file} deserialized into the jar's event class, as the runtime does it. */
  public Object eventFromFile(Path file, String eventClass) throws Exception {
    Class<?> type = type(eventClass);
    try (InputStream in = Files.newInputStream(file)) {
      return LambdaEventSerializers.serializerFor(type, loader).fromJson(in);
    }
  }

  /** {@code value} (an object of one of the jar's classes) as JSON, as the runtime returns it. */
  public String toJson(Object value) {
    @SuppressWarnings("unchecked")
    PojoSerializer<Object> serializer =
        (PojoSerializer<Object>) LambdaEventSerializers.serializerFor(value.getClass(), loader);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    serializer.toJson(value, out);
    return out.toString(StandardCharsets.UTF_8);
  }

  /** Calls {@code handler.handleRequest(event, null)}. */
  public Object handle(Object handler, Object event) throws Exception {
    Method m =
        handler
            .getClass()
            .getMethod(
                "handleRequest",
                event.getClass(),
                type("com.amazonaws.services.lambda.runtime.Context"));
    return unwrap(() -> m.invoke(handler, event, null));
  }

  /**
   * Calls {@code handler.handleRequest(in, out, null)} on a stream handler ({@code
   * RequestStreamHandler}) with the bytes of {@code test-events/<fixture>}, as the runtime passes
   * the invocation, and returns what it wrote.
   */
  public String handleStream(Object handler, String fixture) throws Exception {
    Method m =
        handler
            .getClass()
            .getMethod(
                "handleRequest",
                InputStream.class,
                java.io.OutputStream.class,
                type("com.amazonaws.services.lambda.runtime.Context"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = Files.newInputStream(Fixtures.path(fixture))) {
      unwrap(() -> m.invoke(handler, in, out, null));
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * Calls {@code handler.handleRequest(input, null)} on a handler of JSON objects ({@code
   * RequestHandler<Map<String, Object>, ?>}, such as a Step Functions task), with the JSON object
   * of {@code test-events/<fixture>}: plain maps, lists and values, as the runtime passes them.
   */
  public Object handleJson(Object handler, String fixture) throws Exception {
    Map<String, Object> input = Fixtures.json(fixture);
    Method m =
        handler
            .getClass()
            .getMethod(
                "handleRequest", Map.class, type("com.amazonaws.services.lambda.runtime.Context"));
    return unwrap(() -> m.invoke(handler, input, null));
  }

  /** Calls a public no-argument method, such as a getter of a response. */
  public static Object call(Object target, String method) throws Exception {
    Method m = target.getClass().getMethod(method);
    return unwrap(() -> m.invoke(target));
  }

  /** An implementation of the jar's {@code interfaceName} that delegates to {@code handler}. */
  public Object implement(String interfaceName, InvocationHandler handler) throws Exception {
    return Proxy.newProxyInstance(loader, new Class<?>[] {type(interfaceName)}, handler);
  }

  /**
   * The jar's {@code ObjectStore} port, kept in {@code objects}; with conditional writes ({@code
   * ConditionalWrites}, the tag being a hash of the content) when the jar holds that port, as S3
   * does (the tenant lease and the audit log use them).
   */
  public Object objectStore(Map<String, byte[]> objects) throws Exception {
    List<Class<?>> ports = new ArrayList<>(List.of(type("io.meridian.cdp.lake.ObjectStore")));
    Constructor<?> tagged = null;
    try {
      ports.add(type("io.meridian.cdp.lake.ConditionalWrites"));
      tagged =
          type("io.meridian.cdp.lake.ConditionalWrites$Tagged")
              .getDeclaredConstructor(byte[].class, String.class);
    } catch (ClassNotFoundException shrunkAway) {
      // the function never writes conditionally: ProGuard left the port out of its jar
    }
    Constructor<?> taggedOf = tagged;
    return Proxy.newProxyInstance(
        loader,
        ports.toArray(Class<?>[]::new),
        (proxy, method, args) ->
            switch (method.getName()) {
              case "getTagged" -> {
                byte[] b = objects.get((String) args[0]);
                yield b == null
                    ? Optional.empty()
                    : Optional.of(taggedOf.newInstance(b.clone(), tag(b)));
              }
              case "putIf" -> {
                synchronized (objects) {
                  byte[] current = objects.get((String) args[0]);
                  String expected = (String) args[2];
                  if (current == null ? expected != null : !tag(current).equals(expected)) {
                    yield Optional.empty();
                  }
                  byte[] next = ((byte[]) args[1]).clone();
                  objects.put((String) args[0], next);
                  yield Optional.of(tag(next));
                }
              }
              case "put" -> {
                objects.put((String) args[0], ((byte[]) args[1]).clone());
                yield null;
              }
              case "putFile" -> {
                objects.put((String) args[0], Files.readAllBytes((Path) args[1]));
                yield null;
              }
              case "get" -> Optional.ofNullable(objects.get((String) args[0])).map(byte[]::clone);
              case "list" -> {
                List<String> keys = new ArrayList<>();
                for (String k : new ConcurrentSkipListMap<>(objects).keySet()) {
                  if (k.startsWith((String) args[0])) {
                    keys.add(k);
                  }
                }
                yield keys;
              }
              case "exists" -> objects.containsKey((String) args[0]);
              case "delete" -> {
                objects.remove((String) args[0]);
                yield null;
              }
              case "toString" -> "map-backed store";
              case "hashCode" -> System.identityHashCode(proxy);
              case "equals" -> proxy == args[0];
              default -> throw new UnsupportedOperationException(method.getName());
            });
  }

  private static String tag(byte[] content) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
  }

  @Override
  public void close() throws IOException {
    loader.close();
  }

  private interface Call {
    Object run() throws Exception;
  }

  /** Runs {@code call}, rethrowing what the jar's code threw rather than the reflection wrapper. */
  private static Object unwrap(Call call) throws Exception {
    try {
      return call.run();
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }
}
