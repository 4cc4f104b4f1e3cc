package dev.notifier.feedback.webhook;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * SNS's signing certificates, fetched over HTTPS (the JVM's trust store vouches for the host) from a
 * URL {@link SnsVerifier} has already checked to be SNS's, and kept: SNS signs with few certificates.
 */
public final class SnsCertificates implements SnsVerifier.Certificates {

  private static final int MAX_BYTES = 64 * 1024;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
      .followRedirects(HttpClient.Redirect.NEVER).build();
  private final Map<URI, X509Certificate> cache = new ConcurrentHashMap<>();

  @Override
  public X509Certificate at(URI url) throws GeneralSecurityException {
    X509Certificate cached = cache.get(url);
    if (cached != null) {
      return cached;
    }
    try {
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10)).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200 || r.body().length > MAX_BYTES) {
        throw new CertificateException("the SNS certificate at " + url + " could not be fetched (HTTP "
            + r.statusCode() + ")");
      }
      X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(r.body()));
      cache.put(url, cert);
      return cert;
    } catch (java.io.IOException e) {
      throw new CertificateException("the SNS certificate at " + url + " could not be fetched: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CertificateException("interrupted while fetching " + url, e);
    }
  }
}
