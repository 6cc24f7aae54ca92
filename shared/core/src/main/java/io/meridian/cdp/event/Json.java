package io.meridian.cdp.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one configured JSON mapper of the core: bounded nesting, strict duplicates. */
public final class Json {
  /**
   * Nesting the parser tolerates in a whole request body; events are then checked against the
   * tighter {@link Limits#MAX_DEPTH}.
   */
  public static final int PARSER_MAX_DEPTH = Limits.MAX_DEPTH + 8;

  public static final ObjectMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .streamReadConstraints(
                      StreamReadConstraints.builder()
                          .maxNestingDepth(PARSER_MAX_DEPTH)
                          .maxStringLength(Limits.MAX_BATCH_BYTES)
                          .maxNumberLength(100)
                          .build())
                  .build())
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private Json() {}
}
