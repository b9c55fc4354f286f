package dev.entropysentinel.alerting.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entropysentinel.schemas.WireJson;
import java.net.http.HttpRequest;

/** JSON request bodies, written with the wire mapper so alerts look the same everywhere. */
final class Json {
  private Json() {}

  static ObjectMapper mapper() {
    return WireJson.mapper();
  }

  static byte[] bytes(Object tree) {
    try {
      return mapper().writeValueAsBytes(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  static HttpRequest.Builder post(java.net.URI url, byte[] body) {
    return HttpRequest.newBuilder(url)
        .header("Content-Type", "application/json")
        .header("User-Agent", "entropy-sentinel-alerting")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
  }
}
