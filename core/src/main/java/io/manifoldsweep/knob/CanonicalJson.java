package io.manifoldsweep.knob;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * A config tree as one JSON text with every mapping's keys sorted, so that equal trees give equal
 * text whatever order they were written in, and the short hash of that text that ids are made of.
 */
public final class CanonicalJson {
  private static final ObjectMapper SORTED =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private CanonicalJson() {}

  public static String of(Map<String, Object> tree) {
    try {
      return SORTED.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a config tree", e);
    }
  }

  /** A tree read back from {@link #of}'s text. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> parse(String json) {
    try {
      return SORTED.readValue(json, Map.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "a stored config is not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** First 16 hex digits of the SHA-256 of the tree's canonical JSON. */
  public static String hash(Map<String, Object> tree) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(of(tree).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
