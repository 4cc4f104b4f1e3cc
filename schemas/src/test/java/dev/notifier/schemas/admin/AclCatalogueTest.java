package dev.notifier.schemas.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notifier.schemas.Topics;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.junit.jupiter.api.Test;

class AclCatalogueTest {

  private static final Topics TOPICS = Topics.withPrefix("prod.");
  private static final List<AclBinding> ALL = AclCatalogue.bindings(TOPICS, "notifier-streams", "notifier-senders",
      new AclCatalogue.Principals(List.of("User:zentao", "User:wiki"), List.of("User:ldap-sync"),
          List.of("User:streams"), List.of("User:worker"), List.of("User:ann"), List.of("User:bob"),
          List.of("User:sre")));

  @Test
  void anUpstreamProducerMayWriteEventsAndNothingElse() {
    assertThat(grants("User:zentao")).containsExactlyInAnyOrder("WRITE TOPIC LITERAL prod.notifier.events",
        "DESCRIBE TOPIC LITERAL prod.notifier.events");
    assertThat(grants("User:wiki")).isEqualTo(grants("User:zentao"));
  }

  @Test
  void theDirectoryPublisherMayWriteUsersAndGroupsOnly() {
    assertThat(grants("User:ldap-sync")).containsExactlyInAnyOrder("WRITE TOPIC LITERAL prod.notifier.users",
        "DESCRIBE TOPIC LITERAL prod.notifier.users", "WRITE TOPIC LITERAL prod.notifier.groups",
        "DESCRIBE TOPIC LITERAL prod.notifier.groups");
  }

  @Test
  void onlyTheStreamsAppAndReplayersMayWriteTheSendTopic() {
    Set<String> writers = ALL.stream().filter(b -> b.entry().operation() == AclOperation.WRITE
            && b.pattern().name().equals("prod.notifier.send"))
        .map(b -> b.entry().principal()).collect(Collectors.toSet());
    assertThat(writers).containsExactlyInAnyOrder("User:streams", "User:bob");
  }

  @Test
  void onlyUpstreamProducersAndReplayersMayWriteTheEventsTopic() {
    Set<String> writers = ALL.stream().filter(b -> b.entry().operation() == AclOperation.WRITE
            && b.pattern().name().equals("prod.notifier.events"))
        .map(b -> b.entry().principal()).collect(Collectors.toSet());
    assertThat(writers).containsExactlyInAnyOrder("User:zentao", "User:wiki", "User:bob");
    assertThat(grants("User:bob")).contains("WRITE TRANSACTIONAL_ID PREFIXED notifier-invalid-republish-");
  }

  @Test
  void anAnalystWritesNothingAndReadsNoMail() {
    assertThat(grants("User:ann")).allSatisfy(g -> assertThat(g).doesNotStartWith("WRITE"))
        .contains("READ TOPIC LITERAL prod.notifier.events.invalid")
        .noneMatch(g -> g.endsWith("notifier.send") || g.endsWith("notifier.events") || g.endsWith("notifier.users"));
    assertThat(grants("User:bob")).containsAll(grants("User:ann"))
        .contains("WRITE TRANSACTIONAL_ID PREFIXED notifier-dlt-replay-", "WRITE TOPIC LITERAL prod.notifier.audit");
  }

  @Test
  void workersReadTheirGroupsAndWriteOutcomesButNotEventsNorTheDirectory() {
    assertThat(grants("User:worker")).contains("READ TOPIC LITERAL prod.notifier.send",
            "READ GROUP PREFIXED notifier-senders", "WRITE TOPIC LITERAL prod.notifier.send.dlt",
            "WRITE TOPIC LITERAL prod.notifier.send.retry.1", "WRITE TOPIC LITERAL prod.notifier.status")
        .doesNotContain("WRITE TOPIC LITERAL prod.notifier.send", "WRITE TOPIC LITERAL prod.notifier.events",
            "WRITE TOPIC LITERAL prod.notifier.users");
  }

  @Test
  void everyBindingAllowsOnAnyHostAndNoneIsListedTwice() {
    assertThat(ALL).allSatisfy(b -> {
      assertThat(b.entry().permissionType()).isEqualTo(AclPermissionType.ALLOW);
      assertThat(b.entry().host()).isEqualTo("*");
    });
    assertThat(Set.copyOf(ALL)).hasSameSizeAs(ALL);
  }

  private static List<String> grants(String principal) {
    return ALL.stream().filter(b -> b.entry().principal().equals(principal))
        .map(b -> b.entry().operation() + " " + b.pattern().resourceType() + " " + b.pattern().patternType() + " "
            + b.pattern().name()).toList();
  }

  @Test
  void workersWriteFeedbackTheStreamsAppTurnsItIntoSuppressionsAndReplayersMayChangeThem() {
    assertThat(grants("User:worker")).contains("WRITE TOPIC LITERAL prod.notifier.feedback")
        .doesNotContain("WRITE TOPIC LITERAL prod.notifier.suppressions");
    assertThat(grants("User:streams")).contains("READ TOPIC LITERAL prod.notifier.feedback",
        "READ TOPIC LITERAL prod.notifier.suppressions", "WRITE TOPIC LITERAL prod.notifier.suppressions");
    assertThat(grants("User:ann")).contains("READ TOPIC LITERAL prod.notifier.suppressions");
    assertThat(grants("User:bob")).contains("WRITE TOPIC LITERAL prod.notifier.suppressions");
  }
}
