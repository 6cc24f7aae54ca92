package io.meridian.cdp.fn;

import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.core.type.TypeReference;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.tenant.CdpConfig;
import io.meridian.cdp.tenant.ConfigFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The Lambda event payloads of the top-level {@code test-events/} folder, deserialized exactly as
 * the Lambda Java runtime does it, and the tenant config they go with.
 */
public final class Fixtures {
  private static final Path ROOT = Path.of("../../test-events");

  private Fixtures() {}

  public static Path path(String relative) {
    return ROOT.resolve(relative);
  }

  public static String text(String relative) {
    try {
      return Files.readString(path(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The event in {@code test-events/<relative>}. */
  public static <T> T event(String relative, Class<T> type) {
    try (InputStream in = Files.newInputStream(path(relative))) {
      return LambdaEventSerializers.serializerFor(type, Fixtures.class.getClassLoader())
          .fromJson(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An event of {@code type} from JSON text. */
  public static <T> T eventFromJson(String json, Class<T> type) {
    return LambdaEventSerializers.serializerFor(type, Fixtures.class.getClassLoader())
        .fromJson(json);
  }

  /**
   * The JSON object in {@code test-events/<relative>}, such as a Step Functions task input, as the
   * Lambda Java runtime hands it to a {@code RequestHandler<Map<String, Object>, ?>}.
   */
  public static Map<String, Object> json(String relative) {
    try {
      return Json.MAPPER.readValue(path(relative).toFile(), new TypeReference<>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code test-events/cdp.yaml}: tenant {@code acme} with source {@code web}. */
  public static CdpConfig config() {
    try {
      return ConfigFile.load(path("cdp.yaml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
