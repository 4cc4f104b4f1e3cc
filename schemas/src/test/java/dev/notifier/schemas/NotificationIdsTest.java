package dev.notifier.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

class NotificationIdsTest {

  @Test
  void theCachedDigestGivesTheIdsUuidNameUuidFromBytesGives() {
    for (int i = 0; i < 2_000; i++) {
      byte[] name = new byte[ThreadLocalRandom.current().nextInt(0, 200)];
      ThreadLocalRandom.current().nextBytes(name);
      assertThat(NotificationIds.nameUuid(name)).isEqualTo(UUID.nameUUIDFromBytes(name));
    }
  }

  @Test
  void idsAreStableAcrossReleases() {
    // ids already in ledgers and dedup stores must not change: pinned to what the first release wrote
    String expected = UUID.nameUUIDFromBytes("zt-bug-42-assign-1\nalice@example.com\nbug"
        .getBytes(StandardCharsets.UTF_8)).toString();
    assertThat(NotificationIds.forAddress("zt-bug-42-assign-1", " Alice@Example.com ", "bug")).isEqualTo(expected);
    assertThat(NotificationIds.forUser("e1", "u1", "no-email"))
        .isEqualTo(UUID.nameUUIDFromBytes("e1\nuser:u1\nno-email".getBytes(StandardCharsets.UTF_8)).toString());
  }
}
