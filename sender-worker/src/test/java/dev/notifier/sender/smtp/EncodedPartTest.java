package dev.notifier.sender.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EncodedPartTest {

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "Bug 42 was assigned to you.|7bit",
      "Grüße aus Zürich, Bug 42 gehört jetzt dir.|quoted-printable",
      "缺陷 42 已分配给你。请查看。|base64"})
  void writesWhatJakartaMailWritesForAPartOfTheSameBytes(String body, String encoding) throws Exception {
    String type = "text/plain; charset=UTF-8";
    byte[] raw = body.getBytes(StandardCharsets.UTF_8);
    assertThat(MimeUtility.getEncoding(new ByteArrayDataSource(raw, type))).isEqualTo(encoding);
    ByteArrayOutputStream encoded = new ByteArrayOutputStream();
    try (OutputStream out = MimeUtility.encode(encoded, encoding)) {
      out.write(raw);
    }
    InternetHeaders headers = new InternetHeaders();
    headers.setHeader("Content-Type", type);
    headers.setHeader("Content-Transfer-Encoding", encoding);

    byte[] ours = written(new EncodedPart(headers, encoded.toByteArray()));

    assertThat(new String(ours, StandardCharsets.ISO_8859_1))
        .isEqualTo(new String(written(new MimeBodyPart(headers, encoded.toByteArray())), StandardCharsets.ISO_8859_1))
        .startsWith("Content-Type: " + type + "\r\nContent-Transfer-Encoding: " + encoding + "\r\n\r\n");
    assertThat(new EncodedPart(headers, encoded.toByteArray()).getContent()).isEqualTo(body);
  }

  private static byte[] written(MimeBodyPart part) throws IOException, MessagingException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    part.writeTo(out);
    return out.toByteArray();
  }
}
