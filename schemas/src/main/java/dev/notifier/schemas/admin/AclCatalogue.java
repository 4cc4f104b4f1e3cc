package dev.notifier.schemas.admin;

import dev.notifier.schemas.Topic;
import dev.notifier.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Kafka ACLs each role of notifier needs, derived from the topic catalogue ({@link Topics}) and
 * nothing more: every grant is an ALLOW for one principal on one topic, group, transactional id (or a
 * prefix of them) or the cluster. With an authorizer that denies what no ACL allows, a principal of a
 * role can do exactly this:
 *
 * <ul>
 *   <li><b>producers</b> (upstream systems): write {@code notifier.events};</li>
 *   <li><b>directory</b> (the directory publisher): write {@code notifier.users} and {@code notifier.groups};</li>
 *   <li><b>streams</b> (the streams app): read events and the directory, write the send, status and
 *       invalid topics, own its internal topics, group and transactional ids (all named after its
 *       application id);</li>
 *   <li><b>workers</b>: read the send, retry and wait topics in their group, write the retry and wait
 *       topics, the dead letters, statuses and quota usage;</li>
 *   <li><b>analysts</b>: read the dead letters, the invalid events, the ledger and the audit topic;</li>
 *   <li><b>replayers</b> (analysts with the replay grant): what analysts read, plus write the send,
 *       status and audit topics in replay transactions, and the events topic in the transactions of
 *       {@code notifier invalid republish};</li>
 *   <li><b>sres</b>: create topics, give them partitions and read and change their configs, describe the
 *       groups, read the ledger and dead letters.</li>
 * </ul>
 * Every role that writes Avro reads and writes {@code notifier.schemas} (writer schemas by fingerprint).
 */
public final class AclCatalogue {

  /** The transactional-id prefix of {@code notifier dlt replay}. */
  public static final String REPLAY_TRANSACTIONAL_ID_PREFIX = "notifier-dlt-replay-";
  /** The transactional ids of {@code notifier suppressions add|remove} (the change and its audit record together). */
  public static final String SUPPRESSIONS_TRANSACTIONAL_ID_PREFIX = "notifier-suppressions-";
  /** The transactional-id prefix of {@code notifier invalid republish} (an event and its audit record together). */
  public static final String REPUBLISH_TRANSACTIONAL_ID_PREFIX = "notifier-invalid-republish-";

  private static final String CLUSTER = "kafka-cluster";

  private final Topics topics;
  private final String streamsApplicationId;
  private final String workerGroupId;
  private final List<AclBinding> bindings = new ArrayList<>();

  private AclCatalogue(Topics topics, String streamsApplicationId, String workerGroupId) {
    this.topics = topics;
    this.streamsApplicationId = streamsApplicationId;
    this.workerGroupId = workerGroupId;
  }

  /** The principals of each role: {@code User:NAME} as the cluster's authenticator names them. */
  public record Principals(List<String> producers, List<String> directory, List<String> streams, List<String> workers,
      List<String> analysts, List<String> replayers, List<String> sres) {

    public Principals {
      producers = List.copyOf(producers);
      directory = List.copyOf(directory);
      streams = List.copyOf(streams);
      workers = List.copyOf(workers);
      analysts = List.copyOf(analysts);
      replayers = List.copyOf(replayers);
      sres = List.copyOf(sres);
    }
  }

  /** Every ACL binding the principals need, role by role, in a stable order. */
  public static List<AclBinding> bindings(Topics topics, String streamsApplicationId, String workerGroupId,
      Principals principals) {
    AclCatalogue c = new AclCatalogue(topics, streamsApplicationId, workerGroupId);
    principals.producers().forEach(c::producer);
    principals.directory().forEach(c::directory);
    principals.streams().forEach(c::streams);
    principals.workers().forEach(c::worker);
    principals.analysts().forEach(c::analyst);
    principals.replayers().forEach(c::replayer);
    principals.sres().forEach(c::sre);
    return List.copyOf(c.bindings);
  }

  private void producer(String p) {
    write(p, topics.events());
  }

  private void directory(String p) {
    write(p, topics.users());
    write(p, topics.groups());
  }

  private void streams(String p) {
    read(p, topics.events());
    read(p, topics.users());
    read(p, topics.groups());
    write(p, topics.send());
    write(p, topics.status());
    write(p, topics.invalidEvents());
    read(p, topics.feedback());
    read(p, topics.suppressions());
    write(p, topics.suppressions());
    schemas(p);
    // internal topics (repartition, changelogs), the group and EOS transactional ids share the application id
    grant(p, ResourceType.TOPIC, streamsApplicationId, PatternType.PREFIXED, AclOperation.ALL);
    grant(p, ResourceType.GROUP, streamsApplicationId, PatternType.PREFIXED, AclOperation.READ, AclOperation.DESCRIBE);
    grant(p, ResourceType.TRANSACTIONAL_ID, streamsApplicationId, PatternType.PREFIXED, AclOperation.WRITE,
        AclOperation.DESCRIBE);
    idempotent(p);
  }

  private void worker(String p) {
    read(p, topics.send());
    for (Topic<?, ?> tier : topics.retryTopics()) {
      read(p, tier);
      write(p, tier);
    }
    write(p, topics.deadLetters());
    write(p, topics.status());
    read(p, topics.usage());
    write(p, topics.usage());
    write(p, topics.feedback());
    schemas(p);
    // the send group and its retry group ("<group>-retry")
    grant(p, ResourceType.GROUP, workerGroupId, PatternType.PREFIXED, AclOperation.READ, AclOperation.DESCRIBE);
    idempotent(p);
  }

  private void analyst(String p) {
    read(p, topics.deadLetters());
    read(p, topics.invalidEvents());
    read(p, topics.status());
    read(p, topics.audit());
    read(p, topics.suppressions());
    read(p, topics.schemas());
  }

  private void replayer(String p) {
    analyst(p);
    write(p, topics.send());
    write(p, topics.status());
    write(p, topics.audit());
    write(p, topics.suppressions());
    grant(p, ResourceType.TRANSACTIONAL_ID, SUPPRESSIONS_TRANSACTIONAL_ID_PREFIX, PatternType.PREFIXED,
        AclOperation.WRITE, AclOperation.DESCRIBE);
    grant(p, ResourceType.TOPIC, topics.schemas().name(), PatternType.LITERAL, AclOperation.WRITE);
    grant(p, ResourceType.TRANSACTIONAL_ID, REPLAY_TRANSACTIONAL_ID_PREFIX, PatternType.PREFIXED, AclOperation.WRITE,
        AclOperation.DESCRIBE);
    write(p, topics.events());
    grant(p, ResourceType.TRANSACTIONAL_ID, REPUBLISH_TRANSACTIONAL_ID_PREFIX, PatternType.PREFIXED,
        AclOperation.WRITE, AclOperation.DESCRIBE);
    idempotent(p);
  }

  private void sre(String p) {
    // ALTER: notifier topics grow gives the send topic and its tiers more partitions
    grant(p, ResourceType.TOPIC, topics.prefix() + "notifier.", PatternType.PREFIXED, AclOperation.CREATE,
        AclOperation.ALTER, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS);
    read(p, topics.status());
    read(p, topics.deadLetters());
    read(p, topics.schemas());
    grant(p, ResourceType.GROUP, workerGroupId, PatternType.PREFIXED, AclOperation.DESCRIBE);
    grant(p, ResourceType.GROUP, streamsApplicationId, PatternType.PREFIXED, AclOperation.DESCRIBE);
    grant(p, ResourceType.CLUSTER, CLUSTER, PatternType.LITERAL, AclOperation.DESCRIBE);
  }

  private void schemas(String p) {
    read(p, topics.schemas());
    grant(p, ResourceType.TOPIC, topics.schemas().name(), PatternType.LITERAL, AclOperation.WRITE);
  }

  private void read(String p, Topic<?, ?> topic) {
    grant(p, ResourceType.TOPIC, topic.name(), PatternType.LITERAL, AclOperation.READ, AclOperation.DESCRIBE);
  }

  private void write(String p, Topic<?, ?> topic) {
    grant(p, ResourceType.TOPIC, topic.name(), PatternType.LITERAL, AclOperation.WRITE, AclOperation.DESCRIBE);
  }

  /** Explicit for brokers before 2.8, where WRITE on a topic did not yet imply it (KIP-679). */
  private void idempotent(String p) {
    grant(p, ResourceType.CLUSTER, CLUSTER, PatternType.LITERAL, AclOperation.IDEMPOTENT_WRITE);
  }

  private void grant(String principal, ResourceType type, String name, PatternType pattern, AclOperation... ops) {
    for (AclOperation op : ops) {
      AclBinding binding = new AclBinding(new ResourcePattern(type, name, pattern),
          new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW));
      if (!bindings.contains(binding)) {
        bindings.add(binding);
      }
    }
  }
}
