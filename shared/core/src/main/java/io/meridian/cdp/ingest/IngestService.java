package io.meridian.cdp.ingest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.meridian.cdp.event.CallMerger;
import io.meridian.cdp.event.Json;
import io.meridian.cdp.event.Limits;
import io.meridian.cdp.event.Problem;
import io.meridian.cdp.event.Reason;
import io.meridian.cdp.event.SegmentCallValidator;
import io.meridian.cdp.tenant.HttpBasic;
import io.meridian.cdp.tenant.SourceRef;
import io.meridian.cdp.tenant.TenantConfig;
import io.meridian.cdp.tenant.Tenants;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one request to the Segment-compatible Tracking API: authenticates the write key, enforces
 * limits and the tenant's rate, validates every call, makes the calls durable through the {@link
 * EventSink}, and answers. A single invalid call is refused with 400 and the field named; inside a
 * batch, invalid calls are kept (they reach quarantine with their reason) and listed in the
 * response, so nothing is dropped silently.
 */
public final class IngestService {
  private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);

  private final Supplier<Tenants> tenants;
  private final EventSink sink;
  private final RateLimiter limiter;
  private final SegmentCallValidator validator;
  private final SuppressionCheck suppression;

  public IngestService(
      Supplier<Tenants> tenants,
      EventSink sink,
      RateLimiter limiter,
      SegmentCallValidator validator) {
    this(tenants, sink, limiter, validator, SuppressionCheck.NONE);
  }

  /**
   * @param suppression calls it suppresses (identifiers of erased people) are answered as accepted,
   *     counted as {@code suppressed} in the answer, and never stored
   */
  public IngestService(
      Supplier<Tenants> tenants,
      EventSink sink,
      RateLimiter limiter,
      SegmentCallValidator validator,
      SuppressionCheck suppression) {
    this.tenants = tenants;
    this.sink = sink;
    this.limiter = limiter;
    this.validator = validator;
    this.suppression = suppression;
  }

  /**
   * CORS headers on every answer: browser SDKs (analytics.js) post from any origin, authenticated
   * by the write key, never by cookies.
   */
  static final Map<String, String> CORS =
      Map.of(
          "Access-Control-Allow-Origin", "*",
          "Access-Control-Allow-Methods", "POST, OPTIONS",
          "Access-Control-Allow-Headers", "Content-Type, Content-Encoding, Authorization",
          "Access-Control-Max-Age", "86400");

  public IngestResponse handle(IngestRequest request) {
    IngestResponse response;
    if ("OPTIONS".equalsIgnoreCase(request.method())) {
      response = new IngestResponse(204, "", Map.of(), 0);
    } else {
      try {
        response = process(request);
      } catch (Rejection r) {
        response = r.response(request.requestId());
      }
    }
    Map<String, String> headers = new java.util.HashMap<>(CORS);
    headers.putAll(response.headers());
    return response.withHeaders(headers);
  }

  private IngestResponse process(IngestRequest request) {
    if (!"POST".equalsIgnoreCase(request.method())) {
      throw new Rejection(405, "method_not_allowed", "use POST", Map.of("Allow", "POST"));
    }
    Endpoint endpoint =
        Endpoint.of(request.path())
            .orElseThrow(
                () ->
                    new Rejection(
                        404,
                        "unknown_endpoint",
                        "no such endpoint; use /v1/identify, /v1/track, /v1/page, /v1/screen,"
                            + " /v1/group, /v1/alias, /v1/batch or /v1/import"));
    boolean labelledAsForm = checkContentType(request.contentType());
    byte[] raw = request.body() == null ? new byte[0] : request.body();
    int limit = endpoint.isBatch() ? Limits.MAX_BATCH_BYTES : Limits.MAX_EVENT_BYTES;
    byte[] body = decodeContent(raw, request.contentEncoding(), limit);
    if (body.length == 0) {
      throw new Rejection(400, "empty_body", "the request body is empty; send a JSON object");
    }
    if (body.length > limit) {
      throw endpoint.isBatch()
          ? new Rejection(
              413,
              "batch_too_large",
              "batch is " + body.length + " bytes; the limit is " + limit + " bytes (500 KB)")
          : new Rejection(
              413,
              "event_too_large",
              "event is " + body.length + " bytes; the limit is " + limit + " bytes (32 KB)");
    }
    String text = decodeUtf8(body);
    if (labelledAsForm && !startsLikeJson(text)) {
      throw new Rejection(
          415,
          "unsupported_media_type",
          "the body is form data; send JSON with Content-Type application/json");
    }

    Optional<SourceRef> fromHeader = Optional.empty();
    String headerKey = basicUser(request.authorization());
    Tenants current = tenants.get();
    if (headerKey != null) {
      fromHeader = current.resolve(headerKey);
      if (fromHeader.isEmpty()) {
        throw unauthorized("unknown write key");
      }
    }

    Parsed parsed = parse(text, endpoint);
    if (fromHeader.isPresent()) {
      refuseAnotherSourcesKeyInTheBody(parsed.root, fromHeader.get(), current);
    }
    SourceRef source = fromHeader.orElseGet(() -> keyFromBody(parsed.root, current));
    TenantConfig tenant =
        current.tenant(source.tenant()).orElseThrow(() -> unauthorized("unknown write key"));

    long wait = limiter.tryAcquire(tenant.id(), tenant.rateLimit(), parsed.items.size());
    if (wait > 0) {
      throw new Rejection(
          429,
          "rate_limited",
          "tenant rate limit of " + tenant.rateLimit() + " events per second exceeded; retry later",
          Map.of("Retry-After", Long.toString(wait)));
    }

    Prepared prepared =
        prepare(
            source,
            tenant,
            parsed.items,
            parsed.batchFields,
            endpoint.impliedType,
            !endpoint.isBatch(),
            request.receivedAt(),
            request.requestId());
    List<Envelope> envelopes = prepared.envelopes;
    List<ItemProblem> problems = prepared.problems;
    List<Integer> duplicates = prepared.duplicates;
    try {
      sink.append(envelopes);
    } catch (IOException | RuntimeException e) {
      LOG.error(
          "could not store {} events for tenant {} (request {}): {}",
          envelopes.size(),
          source.tenant(),
          request.requestId(),
          e.toString());
      throw new Rejection(
          503, "unavailable", "events could not be stored; retry", Map.of("Retry-After", "1"));
    }
    return new IngestResponse(
        200,
        successBody(
            request.requestId(), envelopes.size(), prepared.suppressed, problems, duplicates),
        Map.of(),
        envelopes.size(),
        tenant.id(),
        problems.size(),
        prepared.suppressed);
  }

  private record Prepared(
      List<Envelope> envelopes,
      List<ItemProblem> problems,
      List<Integer> duplicates,
      int suppressed) {}

  private Prepared prepare(
      SourceRef source,
      TenantConfig tenant,
      List<Item> items,
      ObjectNode batchFields,
      String impliedType,
      boolean singleCall,
      java.time.Instant receivedAt,
      String requestId) {
    List<Envelope> envelopes = new ArrayList<>(items.size());
    List<ItemProblem> problems = new ArrayList<>();
    List<Integer> duplicates = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    String batchText = batchFields == null ? null : batchFields.toString();
    int suppressed = 0;
    for (int i = 0; i < items.size(); i++) {
      Item item = items.get(i);
      Optional<Problem> problem;
      String type = null;
      if (item.node == null) {
        problem = Optional.of(item.parseProblem);
      } else {
        JsonNode effective = CallMerger.effective(item.node, batchFields, impliedType);
        if (impliedType != null
            && item.node.isObject()
            && item.node.hasNonNull("type")
            && !impliedType.equals(item.node.get("type").asText())) {
          throw new Rejection(
              400,
              "invalid_value",
              "type",
              "type '"
                  + clip(item.node.get("type").asText())
                  + "' does not match the endpoint /v1/"
                  + impliedType);
        }
        int bytes =
            item.text.length() < Limits.MAX_EVENT_BYTES / 4
                ? item.text.length()
                : utf8Length(item.text);
        problem = validator.validate(effective, bytes);
        JsonNode t = effective.isObject() ? effective.get("type") : null;
        type = t != null && t.isTextual() ? t.asText() : null;
        if (tenant != null && suppression.suppressed(tenant, effective)) {
          // An erased person's identifier: accepted, never stored (ADR 0021) — an invalid call
          // too, which would otherwise keep its payload in quarantine.
          suppressed++;
          continue;
        }
      }
      if (problem.isPresent() && singleCall) {
        Problem p = problem.get();
        int status = Reason.EVENT_TOO_LARGE.equals(p.code()) ? 413 : 400;
        throw new Rejection(status, p.code(), p.field(), p.message());
      }
      String messageId = messageId(item.node, source, item.text);
      if (!seen.add(messageId)) {
        duplicates.add(i);
      }
      if (problem.isPresent()) {
        problems.add(new ItemProblem(i, messageId, problem.get()));
      }
      envelopes.add(
          new Envelope(
              source.tenant(),
              source.source(),
              messageId,
              type,
              receivedAt,
              requestId,
              batchText,
              item.text));
    }
    return new Prepared(envelopes, problems, duplicates, suppressed);
  }

  /** Outcome of {@link #ingestTrusted}. */
  public record TrustedResult(
      int stored, Map<Integer, Problem> problems, List<Integer> duplicates, int suppressed) {
    public TrustedResult {
      problems = Map.copyOf(problems);
      duplicates = List.copyOf(duplicates);
    }
  }

  /**
   * Ingests calls for a source the caller already authenticated (the {@code cdp import} command):
   * no write key and no rate limit, otherwise exactly what the API does with a batch. Lines that
   * are not JSON are kept too and reach quarantine as unreadable records.
   *
   * @param callTexts one call per element, as JSON text
   * @throws IOException when the sink cannot store them; nothing is then acknowledged
   */
  public TrustedResult ingestTrusted(
      SourceRef source, List<String> callTexts, java.time.Instant receivedAt, String requestId)
      throws IOException {
    List<Item> items = new ArrayList<>(callTexts.size());
    for (String text : callTexts) {
      try {
        items.add(new Item(Json.MAPPER.readTree(text), text, null));
      } catch (StreamConstraintsException e) {
        items.add(
            new Item(
                null,
                text,
                new Problem(
                    Reason.TOO_DEEPLY_NESTED,
                    "",
                    "nesting deeper than " + Json.PARSER_MAX_DEPTH + " levels")));
      } catch (JsonProcessingException e) {
        items.add(
            new Item(
                null,
                text,
                new Problem(
                    Reason.UNREADABLE_RECORD,
                    "",
                    "not valid JSON: " + firstLine(e.getOriginalMessage()))));
      }
    }
    Prepared p =
        prepare(
            source,
            tenants.get().tenant(source.tenant()).orElse(null),
            items,
            null,
            null,
            false,
            receivedAt,
            requestId);
    sink.append(p.envelopes);
    Map<Integer, Problem> problems = new java.util.TreeMap<>();
    for (ItemProblem ip : p.problems) {
      problems.put(ip.index(), ip.problem());
    }
    return new TrustedResult(p.envelopes.size(), problems, p.duplicates, p.suppressed);
  }

  /**
   * Accepts JSON content types, {@code text/plain} (analytics.js uses it to avoid CORS preflights)
   * and a missing header.
   *
   * @return true when the request is labelled {@code application/x-www-form-urlencoded}: then the
   *     body is accepted only if it is JSON, because RudderStack's official Node SDK sends its gzip
   *     JSON batches with that label (axios' default) and must work unchanged
   */
  private static boolean checkContentType(String contentType) {
    if (contentType == null || contentType.isBlank()) {
      return false;
    }
    String mime = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    if (mime.equals("application/json")
        || mime.equals("text/plain")
        || (mime.startsWith("application/") && mime.endsWith("+json"))) {
      return false;
    }
    if (mime.equals("application/x-www-form-urlencoded")) {
      return true;
    }
    throw new Rejection(
        415,
        "unsupported_media_type",
        "Content-Type must be application/json (or text/plain carrying JSON), not " + clip(mime));
  }

  private static boolean startsLikeJson(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isWhitespace(c)) {
        return c == '{';
      }
    }
    return false;
  }

  private static byte[] decodeContent(byte[] raw, String encoding, int limit) {
    if (encoding == null || encoding.isBlank() || encoding.equalsIgnoreCase("identity")) {
      return raw;
    }
    if (!encoding.trim().equalsIgnoreCase("gzip")) {
      throw new Rejection(
          415,
          "unsupported_encoding",
          "Content-Encoding must be gzip or absent, not " + clip(encoding));
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, raw.length * 8));
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
        if (out.size() > limit) {
          break; // enough to know it is too large; never inflate a gzip bomb
        }
      }
      return out.toByteArray();
    } catch (ZipException | java.io.EOFException e) {
      throw new Rejection(400, "malformed_gzip", "the body is not valid gzip");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String decodeUtf8(byte[] body) {
    try {
      CharBuffer chars =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(body));
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw new Rejection(400, "invalid_utf8", "the body is not valid UTF-8");
    }
  }

  private static String basicUser(String authorization) {
    if (authorization == null || authorization.length() < 6) {
      return null;
    }
    if (!HttpBasic.isBasic(authorization)) {
      throw unauthorized("Authorization must use the Basic scheme with the write key as user name");
    }
    return HttpBasic.user(authorization)
        .orElseThrow(() -> unauthorized("Authorization header is not valid Basic credentials"));
  }

  private static SourceRef keyFromBody(JsonNode root, Tenants tenants) {
    JsonNode key = root.get("writeKey");
    if (key == null || !key.isTextual() || key.asText().isBlank()) {
      throw unauthorized(
          "missing write key: send HTTP Basic auth with the write key as user name, or writeKey"
              + " in the body");
    }
    return tenants.resolve(key.asText()).orElseThrow(() -> unauthorized("unknown write key"));
  }

  /**
   * A body that also names a write key must name one of the same source as the header's (an SDK may
   * send the key both ways): a call authenticated as one tenant never carries another's key.
   */
  private static void refuseAnotherSourcesKeyInTheBody(
      JsonNode root, SourceRef fromHeader, Tenants tenants) {
    JsonNode key = root == null ? null : root.get("writeKey");
    if (key == null || !key.isTextual() || key.asText().isBlank()) {
      return;
    }
    if (!tenants.resolve(key.asText()).filter(fromHeader::equals).isPresent()) {
      throw new Rejection(
          403,
          "forbidden",
          "the writeKey in the body is not a key of the source the Authorization header"
              + " authenticates; send one key, or the same key both ways",
          Map.of());
    }
  }

  private static Rejection unauthorized(String message) {
    return new Rejection(
        401, "unauthorized", message, Map.of("WWW-Authenticate", "Basic realm=\"cdp\""));
  }

  /** A call to ingest; {@code node} is null when the text could not be parsed. */
  private record Item(JsonNode node, String text, Problem parseProblem) {}

  private record Parsed(JsonNode root, ObjectNode batchFields, List<Item> items) {}

  private static Parsed parse(String text, Endpoint endpoint) {
    try (JsonParser p = Json.MAPPER.createParser(text)) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw new Rejection(400, "not_an_object", "the body must be a JSON object");
      }
      if (!endpoint.isBatch()) {
        JsonNode root = p.readValueAsTree();
        if (p.nextToken() != null) {
          throw new Rejection(400, "malformed_json", "unexpected content after the JSON object");
        }
        return new Parsed(root, null, List.of(new Item(root, text, null)));
      }
      ObjectNode root = Json.MAPPER.createObjectNode();
      ObjectNode batchFields = Json.MAPPER.createObjectNode();
      List<Item> items = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (name.equals("batch") && t == JsonToken.START_ARRAY) {
          items = new ArrayList<>();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            if (items.size() == Limits.MAX_BATCH_EVENTS) {
              throw new Rejection(
                  413,
                  "batch_too_many_events",
                  "batch has more than "
                      + Limits.MAX_BATCH_EVENTS
                      + " events; send at most "
                      + Limits.MAX_BATCH_EVENTS
                      + " per request");
            }
            int start = (int) p.currentTokenLocation().getCharOffset();
            JsonNode node = p.readValueAsTree();
            int end = (int) p.currentLocation().getCharOffset();
            items.add(new Item(node, text.substring(start, end), null));
          }
        } else {
          JsonNode value = p.readValueAsTree();
          root.set(name, value);
          if (name.equals("context") || name.equals("integrations") || name.equals("sentAt")) {
            batchFields.set(name, value);
          }
        }
      }
      if (p.nextToken() != null) {
        throw new Rejection(400, "malformed_json", "unexpected content after the JSON object");
      }
      if (items == null) {
        throw new Rejection(400, "missing_field", "batch", "batch must be an array of calls");
      }
      return new Parsed(root, batchFields.isEmpty() ? null : batchFields, items);
    } catch (StreamConstraintsException e) {
      throw new Rejection(
          400,
          "too_deeply_nested",
          "the body nests deeper than " + Json.PARSER_MAX_DEPTH + " levels");
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      throw new Rejection(
          400,
          "malformed_json",
          "malformed JSON"
              + (loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr())
              + ": "
              + firstLine(e.getOriginalMessage()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String messageId(JsonNode item, SourceRef source, String text) {
    JsonNode id = item != null && item.isObject() ? item.get("messageId") : null;
    if (id != null
        && id.isTextual()
        && !id.asText().isBlank()
        && id.asText().codePointCount(0, id.asText().length()) <= Limits.MAX_MESSAGE_ID_LENGTH) {
      return id.asText();
    }
    return "cdp-" + sha256(source.tenant() + "\n" + source.source() + "\n" + text).substring(0, 32);
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return clip(nl >= 0 ? s.substring(0, nl) : s);
  }

  private static String clip(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }

  private record ItemProblem(int index, String messageId, Problem problem) {}

  private static String successBody(
      String requestId,
      int stored,
      int suppressed,
      List<ItemProblem> problems,
      List<Integer> duplicates) {
    int received = stored + suppressed;
    StringWriter w = new StringWriter();
    try (JsonGenerator g = Json.MAPPER.createGenerator(w)) {
      g.writeStartObject();
      g.writeBooleanField("success", true);
      if (requestId != null) {
        g.writeStringField("requestId", requestId);
      }
      g.writeNumberField("received", received);
      g.writeNumberField("valid", received - problems.size());
      if (suppressed > 0) {
        g.writeNumberField("suppressed", suppressed);
      }
      if (!problems.isEmpty()) {
        g.writeArrayFieldStart("problems");
        for (ItemProblem p : problems) {
          g.writeStartObject();
          g.writeNumberField("index", p.index());
          g.writeStringField("messageId", p.messageId());
          g.writeStringField("code", p.problem().code());
          if (!p.problem().field().isEmpty()) {
            g.writeStringField("field", p.problem().field());
          }
          g.writeStringField("message", p.problem().message());
          g.writeStringField("outcome", "quarantined");
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      if (!duplicates.isEmpty()) {
        g.writeArrayFieldStart("duplicateIndexes");
        for (int i : duplicates) {
          g.writeNumber(i);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  /** A refusal of the whole request. */
  private static final class Rejection extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final String code;
    final String field;
    final Map<String, String> headers;

    Rejection(int status, String code, String message) {
      this(status, code, null, message, Map.of());
    }

    Rejection(int status, String code, String message, Map<String, String> headers) {
      this(status, code, null, message, headers);
    }

    Rejection(int status, String code, String field, String message) {
      this(status, code, field, message, Map.of());
    }

    Rejection(int status, String code, String field, String message, Map<String, String> headers) {
      super(message, null, false, false);
      this.status = status;
      this.code = code;
      this.field = field;
      this.headers = headers;
    }

    IngestResponse response(String requestId) {
      StringWriter w = new StringWriter();
      try (JsonGenerator g = Json.MAPPER.createGenerator(w)) {
        g.writeStartObject();
        g.writeBooleanField("success", false);
        g.writeStringField("code", code);
        if (field != null && !field.isEmpty()) {
          g.writeStringField("field", field);
        }
        g.writeStringField("message", getMessage());
        if (requestId != null) {
          g.writeStringField("requestId", requestId);
        }
        g.writeEndObject();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new IngestResponse(status, w.toString(), headers, 0);
    }
  }
}
