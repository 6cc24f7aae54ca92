package io.meridian.cdp.aws;

import io.meridian.cdp.lake.ArchivedObjectException;
import io.meridian.cdp.lake.ArchivedObjects;
import io.meridian.cdp.lake.ConditionalWrites;
import io.meridian.cdp.lake.ObjectStore;
import io.meridian.cdp.lake.ObjectVersions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.DeleteMarkerEntry;
import software.amazon.awssdk.services.s3.model.InvalidObjectStateException;
import software.amazon.awssdk.services.s3.model.ListObjectVersionsRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.Tier;

/**
 * An S3 bucket, optionally below a key prefix, as an {@link ObjectStore}. Every object is written
 * encrypted: with SSE-KMS under the configured key, or with SSE-S3 when none is configured. A
 * single PUT replaces an object atomically, which is what the port promises. Failures of the S3 API
 * surface as {@link IOException}, so callers treat them like any other storage failure.
 *
 * <p>Keys follow the same rules as the local store (no empty, {@code .} or {@code ..} segments, no
 * leading or trailing {@code /}), so that a key valid here is valid locally and the other way
 * round.
 */
public final class S3ObjectStore
    implements ObjectStore, ObjectVersions, ConditionalWrites, ArchivedObjects {
  private static final int DEFAULT_PAGE_SIZE = 1_000;

  /** How long a restored copy of an archived object stays readable. */
  static final int RESTORED_COPY_DAYS = 7;

  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final String kmsKeyId;
  private final int pageSize;

  /** The whole of {@code bucket}, objects encrypted with SSE-S3. */
  public S3ObjectStore(S3Client s3, String bucket) {
    this(s3, bucket, "", null, DEFAULT_PAGE_SIZE);
  }

  private S3ObjectStore(S3Client s3, String bucket, String prefix, String kmsKeyId, int pageSize) {
    this.s3 = Objects.requireNonNull(s3, "s3");
    if (bucket == null || bucket.isBlank()) {
      throw new IllegalArgumentException("bucket name must not be empty");
    }
    this.bucket = bucket;
    this.prefix = prefix;
    this.kmsKeyId = kmsKeyId;
    this.pageSize = pageSize;
  }

  /**
   * This store restricted to keys below {@code keyPrefix}, which is empty or ends with {@code /}.
   * Keys passed to and returned by the store do not include the prefix.
   */
  public S3ObjectStore withKeyPrefix(String keyPrefix) {
    if (!keyPrefix.isEmpty()) {
      if (!keyPrefix.endsWith("/")) {
        throw new IllegalArgumentException(
            "key prefix must be empty or end with '/', not '" + keyPrefix + "'");
      }
      validate(keyPrefix.substring(0, keyPrefix.length() - 1));
    }
    return new S3ObjectStore(s3, bucket, keyPrefix, kmsKeyId, pageSize);
  }

  /** This store writing with SSE-KMS under {@code keyId} (a key id, alias or ARN). */
  public S3ObjectStore withKmsKey(String keyId) {
    if (keyId.isBlank()) {
      throw new IllegalArgumentException("KMS key id must not be blank");
    }
    return new S3ObjectStore(s3, bucket, prefix, keyId, pageSize);
  }

  /** This store listing {@code size} keys per request (S3's maximum, 1000, by default). */
  S3ObjectStore withPageSize(int size) {
    return new S3ObjectStore(s3, bucket, prefix, kmsKeyId, size);
  }

  @Override
  public void put(String key, byte[] content) throws IOException {
    String k = s3Key(key);
    try {
      s3.putObject(putRequest(k), RequestBody.fromBytes(content));
    } catch (SdkException e) {
      throw failure("put", k, e);
    }
  }

  @Override
  public void putFile(String key, Path file) throws IOException {
    String k = s3Key(key);
    try {
      s3.putObject(putRequest(k), RequestBody.fromFile(file));
    } catch (SdkException e) {
      throw failure("put", k, e);
    }
  }

  @Override
  public Optional<byte[]> get(String key) throws IOException {
    String k = s3Key(key);
    try {
      return Optional.of(s3.getObjectAsBytes(b -> b.bucket(bucket).key(k)).asByteArray());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (InvalidObjectStateException e) {
      throw new ArchivedObjectException(key, e);
    } catch (SdkException e) {
      throw failure("get", k, e);
    }
  }

  /**
   * A {@code RestoreObject} at the standard tier (Deep Archive: within 12 hours), the copy kept
   * {@value #RESTORED_COPY_DAYS} days. 409 {@code RestoreAlreadyInProgress} means an earlier
   * request is under way, which is what was asked for.
   */
  @Override
  public void requestRestore(String key) throws IOException {
    String k = s3Key(key);
    try {
      s3.restoreObject(
          b ->
              b.bucket(bucket)
                  .key(k)
                  .restoreRequest(
                      r ->
                          r.days(RESTORED_COPY_DAYS)
                              .glacierJobParameters(g -> g.tier(Tier.STANDARD))));
    } catch (S3Exception e) {
      if (e.statusCode() == 409) {
        return;
      }
      throw failure("restore", k, e);
    } catch (SdkException e) {
      throw failure("restore", k, e);
    }
  }

  @Override
  public Optional<Tagged> getTagged(String key) throws IOException {
    String k = s3Key(key);
    try {
      var r = s3.getObjectAsBytes(b -> b.bucket(bucket).key(k));
      return Optional.of(new Tagged(r.asByteArray(), r.response().eTag()));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (SdkException e) {
      throw failure("get", k, e);
    }
  }

  /**
   * A {@code PutObject} with {@code If-Match: <tag>}, or {@code If-None-Match: *} when {@code
   * expectedTag} is null (S3 conditional writes). 412 Precondition Failed, 409 (a concurrent
   * conditional write to the same key) and 404 (If-Match on an object that is gone) mean another
   * writer came first.
   */
  @Override
  public Optional<String> putIf(String key, byte[] content, String expectedTag) throws IOException {
    String k = s3Key(key);
    PutObjectRequest.Builder request = putRequest(k).toBuilder();
    if (expectedTag == null) {
      request.ifNoneMatch("*");
    } else {
      request.ifMatch(expectedTag);
    }
    try {
      return Optional.of(s3.putObject(request.build(), RequestBody.fromBytes(content)).eTag());
    } catch (S3Exception e) {
      int status = e.statusCode();
      if (status == 412 || status == 409 || (status == 404 && expectedTag != null)) {
        return Optional.empty();
      }
      throw failure("conditional put", k, e);
    } catch (SdkException e) {
      throw failure("conditional put", k, e);
    }
  }

  @Override
  public List<String> list(String keyPrefix) throws IOException {
    String p = prefix + keyPrefix;
    List<String> keys = new ArrayList<>();
    try {
      ListObjectsV2Request request =
          ListObjectsV2Request.builder().bucket(bucket).prefix(p).maxKeys(pageSize).build();
      for (S3Object o : s3.listObjectsV2Paginator(request).contents()) {
        keys.add(o.key().substring(prefix.length()));
      }
    } catch (SdkException e) {
      throw failure("list", p, e);
    }
    // S3 lists in UTF-8 byte order; the port promises Java's String order (they differ only for
    // characters outside the Basic Multilingual Plane).
    Collections.sort(keys);
    return Collections.unmodifiableList(keys);
  }

  @Override
  public boolean exists(String key) throws IOException {
    String k = s3Key(key);
    try {
      s3.headObject(b -> b.bucket(bucket).key(k));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw failure("head", k, e);
    } catch (SdkException e) {
      throw failure("head", k, e);
    }
  }

  @Override
  public void delete(String key) throws IOException {
    String k = s3Key(key);
    try {
      s3.deleteObject(b -> b.bucket(bucket).key(k));
    } catch (SdkException e) {
      throw failure("delete", k, e);
    }
  }

  /**
   * Deletes the noncurrent versions of {@code key} (in a versioned bucket the replaced contents of
   * an object stay as versions): erasure rewrites a raw object and then destroys what it held
   * before (ADR 0012). Needs {@code s3:ListBucketVersions} and {@code s3:DeleteObjectVersion}; on
   * the raw zone only the erasure role has the latter.
   */
  @Override
  public int deletePreviousVersions(String key) throws IOException {
    String k = s3Key(key);
    int deleted = 0;
    try {
      ListObjectVersionsRequest request =
          ListObjectVersionsRequest.builder().bucket(bucket).prefix(k).build();
      List<String> old = new ArrayList<>();
      for (ObjectVersion v : s3.listObjectVersionsPaginator(request).versions()) {
        if (v.key().equals(k) && !Boolean.TRUE.equals(v.isLatest())) {
          old.add(v.versionId());
        }
      }
      for (String versionId : old) {
        s3.deleteObject(b -> b.bucket(bucket).key(k).versionId(versionId));
        deleted++;
      }
    } catch (SdkException e) {
      throw failure("delete previous versions of", k, e);
    }
    return deleted;
  }

  /**
   * Deletes the noncurrent versions (and noncurrent delete markers) of every object under {@code
   * keyPrefix} (a folder: ends in {@code /}). Needs {@code s3:ListBucketVersions} and {@code
   * s3:DeleteObjectVersion} on the prefix.
   */
  @Override
  public int deleteNoncurrentVersions(String keyPrefix) throws IOException {
    if (!keyPrefix.endsWith("/") || keyPrefix.length() < 2 || keyPrefix.startsWith("/")) {
      // never the whole bucket by mistake
      throw new IllegalArgumentException("not a folder prefix: '" + keyPrefix + "'");
    }
    String p = prefix + keyPrefix;
    int deleted = 0;
    try {
      ListObjectVersionsRequest request =
          ListObjectVersionsRequest.builder().bucket(bucket).prefix(p).build();
      List<String[]> old = new ArrayList<>();
      List<String[]> markers = new ArrayList<>();
      for (var page : s3.listObjectVersionsPaginator(request)) {
        for (ObjectVersion v : page.versions()) {
          if (!Boolean.TRUE.equals(v.isLatest())) {
            old.add(new String[] {v.key(), v.versionId()});
          }
        }
        for (DeleteMarkerEntry m : page.deleteMarkers()) {
          if (!Boolean.TRUE.equals(m.isLatest())) {
            markers.add(new String[] {m.key(), m.versionId()});
          }
        }
      }
      for (String[] v : old) {
        s3.deleteObject(b -> b.bucket(bucket).key(v[0]).versionId(v[1]));
        deleted++;
      }
      for (String[] m : markers) {
        s3.deleteObject(b -> b.bucket(bucket).key(m[0]).versionId(m[1]));
      }
    } catch (SdkException e) {
      throw failure("delete noncurrent versions under", p, e);
    }
    return deleted;
  }

  @Override
  public String toString() {
    return "s3://" + bucket + "/" + prefix;
  }

  private PutObjectRequest putRequest(String s3Key) {
    PutObjectRequest.Builder b = PutObjectRequest.builder().bucket(bucket).key(s3Key);
    if (kmsKeyId != null) {
      b.serverSideEncryption(ServerSideEncryption.AWS_KMS).ssekmsKeyId(kmsKeyId);
    } else {
      b.serverSideEncryption(ServerSideEncryption.AES256);
    }
    return b.build();
  }

  private String s3Key(String key) {
    validate(key);
    return prefix + key;
  }

  private IOException failure(String operation, String s3Key, SdkException e) {
    return new IOException(
        "S3 " + operation + " of s3://" + bucket + "/" + s3Key + " failed: " + e.getMessage(), e);
  }

  /** Refuses keys that the local store would refuse, so both stores accept the same keys. */
  private static void validate(String key) {
    if (key.isEmpty()
        || key.startsWith("/")
        || key.endsWith("/")
        || key.contains("\\")
        || key.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("invalid object key: " + key);
    }
    for (String part : key.split("/", -1)) {
      if (part.isEmpty() || part.equals(".") || part.equals("..")) {
        throw new IllegalArgumentException("invalid object key: " + key);
      }
    }
  }
}
