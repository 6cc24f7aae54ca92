/**
 * Segments: audience definitions of a tenant (YAML/JSON, in {@code cdp.yaml} or a folder), their
 * validation ({@link io.meridian.cdp.segment.SegmentDefinitions}), their compilation to one SQL
 * query per segment for DuckDB or Athena/Trino ({@link io.meridian.cdp.segment.SegmentCompiler})
 * with every value from a definition bound as a {@code ?} parameter, and the explanation of why a
 * profile is or is not a member. The language is documented in docs/SEGMENTS.md.
 */
package io.meridian.cdp.segment;
