package io.meridian.cdp.tenant;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/** Reads and writes {@code cdp.yaml}. Writes are atomic (temporary file, then rename). */
public final class ConfigFile {
  private static final ObjectMapper YAML =
      new ObjectMapper(
              new YAMLFactory()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  private static final String HEADER =
      "# Meridian CDP configuration: tenants, their sources and write keys (stored as SHA-256"
          + " hashes).\n"
          + "# Documented in docs/CONFIGURATION.md. Edit with `cdp tenants add` / `cdp sources"
          + " add` or by hand.\n";

  private ConfigFile() {}

  /**
   * Loads {@code file}.
   *
   * @throws IllegalArgumentException with the file name and the problem when it is invalid
   */
  public static CdpConfig load(Path file) throws IOException {
    return parse(Files.readAllBytes(file), file.toString());
  }

  /**
   * Reads a config from its bytes (for example an object read from S3), without a file.
   *
   * @param source what the bytes are, for messages (a file name or an object's address)
   * @throws IllegalArgumentException with {@code source} and the problem when it is invalid
   */
  public static CdpConfig parse(byte[] yaml, String source) throws IOException {
    try {
      // The hand binder first (ADR 0037: no bean introspection in a function's cold start); when
      // it is unsure, databind reads the bytes and gives the same records or the error and line.
      Optional<CdpConfig> bound = ConfigTree.bind(YAML.readTree(yaml));
      if (bound.isPresent()) {
        return bound.get();
      }
      return databind(yaml);
    } catch (JsonMappingException e) {
      Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : null;
      String what = cause != null ? cause.getMessage() : e.getOriginalMessage();
      throw new IllegalArgumentException(source + ": " + what + location(e), e);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(source + ": not valid YAML: " + e.getOriginalMessage(), e);
    }
  }

  /** {@code yaml} read by Jackson's databind alone (the slow path of {@link #parse}). */
  static CdpConfig databind(byte[] yaml) throws IOException {
    CdpConfig config = YAML.readValue(yaml, CdpConfig.class);
    return config == null ? CdpConfig.empty() : config;
  }

  private static String location(JsonMappingException e) {
    return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
  }

  /** Writes {@code config} to {@code file} atomically. */
  public static void save(CdpConfig config, Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, ".cdp-config", ".tmp");
    try {
      Files.writeString(tmp, HEADER + YAML.writeValueAsString(config), StandardCharsets.UTF_8);
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The result of {@link #loadOrCreateDefault}: the config, and a write key if one was made. */
  public record Loaded(CdpConfig config, String createdWriteKey) {}

  /**
   * Loads {@code file}, or creates it with a {@code demo} tenant and {@code web} source when it
   * does not exist. The new write key is returned once (and never stored in clear).
   */
  public static Loaded loadOrCreateDefault(Path file) throws IOException {
    if (Files.exists(file)) {
      return new Loaded(load(file), null);
    }
    String key = WriteKeys.generate();
    CdpConfig config =
        CdpConfig.empty()
            .withTenant(
                new TenantConfig(
                    "demo",
                    "Demo Company",
                    null,
                    "US",
                    List.of(new SourceConfig("web", List.of(WriteKeys.hash(key)))),
                    null,
                    null,
                    io.meridian.cdp.segment.SegmentDefinitions.demo(),
                    null));
    save(config, file);
    return new Loaded(config, key);
  }
}
