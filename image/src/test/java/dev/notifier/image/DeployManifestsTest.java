package dev.notifier.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notifier.cli.NotifierCommand;
import dev.notifier.cli.config.ConfigFile;
import dev.notifier.cli.config.NotifierConfig;
import dev.notifier.cli.management.Management;
import dev.notifier.schemas.Topics;
import dev.notifier.sender.config.AccountSettings;
import dev.notifier.sender.config.AccountsValidator;
import dev.notifier.sender.config.Security;
import dev.notifier.streams.StreamsApp;
import dev.notifier.testkit.smtp.SmtpSinkMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * deploy/ against the code: every YAML and JSON file parses, and what the manifests say about a
 * notifier process (image, port, probe paths, config path, consumer group, topics, secrets, grace
 * periods, metric names) is what the code and the production contract say. A manifest edited out of
 * step with the code fails here, naming the file and the field.
 */
class DeployManifestsTest {

  /** The Prometheus names of the production contract (issue 8); no code lists them all yet. */
  static final Map<String, Set<String>> CONTRACT_METRICS = Map.ofEntries(
      Map.entry("notifier_events_in_total", Set.of("type")),
      Map.entry("notifier_events_invalid_total", Set.of("reason")),
      Map.entry("notifier_notifications_out_total", Set.of("template", "account")),
      Map.entry("notifier_notifications_skipped_total", Set.of("reason")),
      Map.entry("notifier_duplicates_dropped_total", Set.of()),
      Map.entry("notifier_events_keyed_otherwise_total", Set.of()),
      Map.entry("notifier_policy_decisions_total", Set.of("decision")),
      Map.entry("notifier_release_delay_seconds_bucket", Set.of("priority", "le")),
      Map.entry("notifier_release_delay_seconds_count", Set.of("priority")),
      Map.entry("notifier_release_delay_seconds_sum", Set.of("priority")),
      Map.entry("notifier_ready", Set.of()),
      Map.entry("notifier_sends_total", Set.of("account", "outcome")),
      Map.entry("notifier_smtp_send_seconds_bucket", Set.of("account", "le")),
      Map.entry("notifier_smtp_send_seconds_count", Set.of("account")),
      Map.entry("notifier_smtp_send_seconds_sum", Set.of("account")),
      Map.entry("notifier_delivery_delay_seconds_bucket", Set.of("account", "priority", "le")),
      Map.entry("notifier_delivery_delay_seconds_count", Set.of("account", "priority")),
      Map.entry("notifier_delivery_delay_seconds_sum", Set.of("account", "priority")),
      Map.entry("notifier_retries_total", Set.of("account", "attempt")),
      Map.entry("notifier_dead_letters_total", Set.of("account", "class")),
      Map.entry("notifier_breaker_state", Set.of("account", "state")),
      Map.entry("notifier_throttle_tokens_available", Set.of("account")),
      Map.entry("notifier_throttle_quota_used_ratio", Set.of("account")),
      Map.entry("notifier_webhook_requests_refused_total", Set.of("provider", "reason")),
      Map.entry("kafka_consumer_fetch_manager_records_lag", Set.of("topic", "partition", "client_id")),
      Map.entry("kafka_consumer_fetch_manager_records_lag_max", Set.of("topic", "partition", "client_id")));
  /** Families the contract names by prefix (Micrometer's Kafka and JVM binders). */
  static final List<String> CONTRACT_PREFIXES =
      List.of("kafka_stream_", "kafka_consumer_", "kafka_producer_", "jvm_", "process_", "system_");
  /** Labels Prometheus adds to every series of a target. */
  static final Set<String> TARGET_LABELS = Set.of("instance", "job", "role");

  static final String IMAGE = System.getProperty("image.name", "notifier:0.1.0-SNAPSHOT");
  /** The broker image the build makes beside it (image/pom.xml kafka.image.name). */
  static final String KAFKA_IMAGE = System.getProperty("kafka.image.name",
      "notifier-kafka:" + System.getProperty("kafka.version", "4.4.0"));
  static final String CONFIG_DIR = Path.of(Management.CONFIG_PATH).getParent().toString();
  static final String CONFIG_KEY = Path.of(Management.CONFIG_PATH).getFileName().toString();

  static Manifests deploy;

  @BeforeAll
  static void load() {
    deploy = Manifests.fromBuild();
  }

  @Test
  void everyYamlAndJsonFileUnderDeployParses() {
    List<Path> files = deploy.files();
    assertThat(files.stream().map(f -> deploy.root().relativize(f).toString().replace('\\', '/')))
        .contains("compose.yaml", "notifier.compose.yaml", "prometheus/prometheus.yml",
            "grafana/dashboards/notifier.json", "kubernetes/kustomization.yaml", "kubernetes/keda.yaml");
    for (Path file : files) {
      assertThat(Manifests.documents(file)).as(file + " has a document").isNotEmpty();
    }
    for (JsonNode object : deploy.kubernetesObjects()) {
      assertThat(object.path("apiVersion").asText()).as("apiVersion of " + object.path("metadata")).isNotEmpty();
      assertThat(object.path("metadata").has("namespace")).as("namespace-agnostic: " + object.path("metadata"))
          .isFalse();
    }
  }

  // ---- Kubernetes ----------------------------------------------------------------------------

  @Test
  void kubernetesWorkloadsRunTheImageWithTheManagementContract() {
    JsonNode streams = deploy.kubernetes("StatefulSet", "notifier-streams");
    JsonNode worker = deploy.kubernetes("Deployment", "notifier-worker");
    checkNotifierPod(streams, "streams");
    checkNotifierPod(worker, "worker");
    checkNotifierPod(deploy.kubernetes("Deployment", "notifier-bounces"), "bounces");
    checkNotifierPod(deploy.kubernetes("Deployment", "notifier-webhooks"), "webhooks");
  }

  @Test
  void everyContainerOfTheImageRunsACommandTheImageHas() {
    Set<String> commands = new CommandLine(new NotifierCommand()).getSubcommands().keySet();
    List<String> checked = new ArrayList<>();
    for (JsonNode object : deploy.kubernetesObjects()) {
      JsonNode pod = object.path("spec").path("template").path("spec");
      List<JsonNode> containers = new ArrayList<>();
      pod.path("initContainers").forEach(containers::add);
      pod.path("containers").forEach(containers::add);
      for (JsonNode container : containers) {
        if (container.path("image").asText().equals(IMAGE)) {
          String what = object.path("kind").asText() + " " + object.path("metadata").path("name").asText() + " "
              + container.path("name").asText();
          assertThat(texts(container.path("args"))).as(what + " args").isNotEmpty();
          assertThat(commands).as(what + " runs a notifier command").contains(texts(container.path("args")).get(0));
          checked.add(texts(container.path("args")).get(0));
        }
      }
    }
    deploy.single("compose.yaml").path("services").properties().forEach(e -> {
      if (runsNotifierCommand(e.getValue())) {
        assertThat(commands).as("compose service " + e.getKey() + " runs a notifier command")
            .contains(texts(e.getValue().path("command")).get(0));
      }
    });
    assertThat(checked).contains("topics", "acls", "streams", "worker", "bounces", "webhooks");
  }

  // ---- the feedback processes: one bounce mailbox reader, webhook receivers behind a Service -----------

  @Test
  void theBounceReaderIsOneReplicaNeverTwoEvenDuringARollout() {
    JsonNode bounces = deploy.kubernetes("Deployment", "notifier-bounces");
    assertThat(bounces.path("spec").path("replicas").asInt()).as("one reader of the mailbox").isEqualTo(1);
    assertThat(bounces.path("spec").path("strategy").path("type").asText()).as("no second reader in a rollout")
        .isEqualTo("Recreate");
  }

  @Test
  void theWebhooksServiceForwardsToTheReceiversConfiguredPort(@TempDir Path tmp) throws IOException {
    NotifierConfig config = kubernetesConfig(tmp);
    assertThat(config.webhooks()).as("the ConfigMap has a webhooks section").isNotNull();
    assertThat(config.webhooks().host()).as("webhooks.host: reachable through the Service").isEqualTo("0.0.0.0");
    JsonNode container = Manifests.container(deploy.kubernetes("Deployment", "notifier-webhooks"), "webhooks");
    JsonNode containerPort = Manifests.stream(container.path("ports"))
        .filter(p -> "webhooks".equals(p.path("name").asText())).findFirst()
        .orElseThrow(() -> new AssertionError("the webhooks container has no port named webhooks"));
    assertThat(containerPort.path("containerPort").asInt()).as("container port == webhooks.port")
        .isEqualTo(config.webhooks().port());
    JsonNode servicePort = Manifests.stream(deploy.kubernetes("Service", "notifier-webhooks").path("spec")
        .path("ports")).filter(p -> "webhooks".equals(p.path("name").asText())).findFirst()
        .orElseThrow(() -> new AssertionError("Service notifier-webhooks has no port named webhooks"));
    assertThat(servicePort.path("targetPort").asText()).isEqualTo("webhooks");
  }

  @Test
  void theFeedbackProcessesGetTheirCredentialsFromASecretOfTheirOwnAndNeverInline(@TempDir Path tmp)
      throws IOException {
    NotifierConfig config = kubernetesConfig(tmp);
    assertThat(config.bounces()).as("the ConfigMap has a bounces section").isNotNull();
    String imapPassword = config.bounces().passwordEnv();
    String sendgridKey = config.webhooks().sendgridVerificationKeyEnv();
    assertThat(imapPassword).as("bounces.passwordEnv").isNotNull();
    assertThat(sendgridKey).as("webhooks.sendgridVerificationKeyEnv (the key is not inline)").isNotNull();
    assertThat(config.webhooks().sendgridVerificationKey()).as("no inline SendGrid key").isNull();

    Map<String, String> bounces = secretEnv(deploy.kubernetes("Deployment", "notifier-bounces"), "bounces");
    Map<String, String> webhooks = secretEnv(deploy.kubernetes("Deployment", "notifier-webhooks"), "webhooks");
    assertThat(bounces.keySet()).as("the bounce reader's Secret keys == bounces.passwordEnv").containsExactly(imapPassword);
    assertThat(webhooks.keySet()).as("the receiver's Secret keys == its key's variable").containsExactly(sendgridKey);
    assertThat(config.webhooks().sendgridKey(webhooks::get)).isNotBlank();
    assertThat(workerSecretEnv()).as("the workers do not get the feedback credentials")
        .doesNotContainKeys(imapPassword, sendgridKey);
    for (String role : List.of("bounces", "webhooks")) {
      JsonNode container = Manifests.container(deploy.kubernetes("Deployment", "notifier-" + role), role);
      for (JsonNode e : container.path("env")) {
        if (Set.of(imapPassword, sendgridKey).contains(e.path("name").asText())) {
          assertThat(e.has("value")).as(role + " " + e.path("name").asText() + " is not inline").isFalse();
        }
      }
    }

    // compose: the same variables, from the host's environment, never a value in the file
    NotifierConfig compose = ConfigFile.load(deploy.path("notifier.compose.yaml"));
    JsonNode services = deploy.single("compose.yaml").path("services");
    assertThat(services.path("bounces").path("environment").path(compose.bounces().passwordEnv()).asText())
        .isEqualTo("${" + compose.bounces().passwordEnv() + ":-}");
    assertThat(services.path("webhooks").path("environment")
        .path(compose.webhooks().sendgridVerificationKeyEnv()).asText())
        .isEqualTo("${" + compose.webhooks().sendgridVerificationKeyEnv() + ":-}");
    assertThat(texts(services.path("webhooks").path("ports")))
        .contains("127.0.0.1:" + compose.webhooks().port() + ":" + compose.webhooks().port());
    assertThat(compose.webhooks().host()).as("reachable through the published port").isEqualTo("0.0.0.0");
  }

  private void checkNotifierPod(JsonNode workload, String role) {
    JsonNode pod = workload.path("spec").path("template");
    JsonNode container = Manifests.container(workload, role);
    String what = workload.path("kind").asText() + " " + workload.path("metadata").path("name").asText();
    assertThat(container.path("image").asText()).as(what + " image").isEqualTo(IMAGE);
    assertThat(texts(container.path("args"))).as(what + " args")
        .containsExactly(role, "--config", Management.CONFIG_PATH);

    JsonNode port = Manifests.stream(container.path("ports")).filter(p -> "metrics".equals(p.path("name").asText()))
        .findFirst().orElseThrow(() -> new AssertionError(what + " has no container port named metrics"));
    assertThat(port.path("containerPort").asInt()).as(what + " metrics port").isEqualTo(Management.DEFAULT_PORT);
    checkProbe(what + " liveness", container.path("livenessProbe"), Management.LIVENESS_PATH);
    checkProbe(what + " readiness", container.path("readinessProbe"), Management.READINESS_PATH);

    JsonNode annotations = pod.path("metadata").path("annotations");
    assertThat(annotations.path("prometheus.io/scrape").asText()).as(what + " scrape annotation").isEqualTo("true");
    assertThat(annotations.path("prometheus.io/port").asText()).isEqualTo(String.valueOf(Management.DEFAULT_PORT));
    assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo(Management.METRICS_PATH);

    // the config: a ConfigMap volume holding CONFIG_KEY, mounted at CONFIG_PATH's directory
    JsonNode mount = mount(container, CONFIG_DIR, what);
    JsonNode volume = volume(pod, mount.path("name").asText(), what);
    String configMap = volume.path("configMap").path("name").asText();
    assertThat(configMap).as(what + " config volume is a ConfigMap").isNotEmpty();
    assertThat(deploy.kubernetes("ConfigMap", configMap).path("data").has(CONFIG_KEY))
        .as("ConfigMap " + configMap + " has " + CONFIG_KEY).isTrue();

    JsonNode security = pod.path("spec").path("securityContext");
    assertThat(security.path("runAsNonRoot").asBoolean()).as(what + " runAsNonRoot").isTrue();
    assertThat(security.path("runAsUser").asInt()).as(what + " runAsUser: the image's user").isEqualTo(10001);
    if (container.path("securityContext").path("readOnlyRootFilesystem").asBoolean()) {
      mount(container, "/tmp", what + " (read-only root: the JNI libraries unpack to /tmp)");
    }
  }

  @Test
  void gracePeriodsOutlastTheDrainAndCloseBounds(@TempDir Path tmp) throws IOException {
    NotifierConfig config = kubernetesConfig(tmp);
    Duration drain = config.workerSettings().drainTimeout();
    JsonNode worker = deploy.kubernetes("Deployment", "notifier-worker");
    JsonNode streams = deploy.kubernetes("StatefulSet", "notifier-streams");
    assertThat(Duration.ofSeconds(grace(worker))).as("worker terminationGracePeriodSeconds > drainTimeout " + drain)
        .isGreaterThan(drain);
    assertThat(Duration.ofSeconds(grace(streams))).as("streams terminationGracePeriodSeconds > close bound")
        .isGreaterThan(StreamsApp.CLOSE_TIMEOUT);
  }

  /**
   * A node drain stops one streams instance at a time: the other, holding standby copies of its stores, takes its
   * tasks as it leaves the group (StreamsMembershipIntegrationTest), never both at once.
   */
  @Test
  void aNodeDrainStopsOneStreamsInstanceAtATimeAndTheOtherHoldsItsStandbys(@TempDir Path tmp) throws IOException {
    NotifierConfig config = kubernetesConfig(tmp);
    JsonNode streams = deploy.kubernetes("StatefulSet", "notifier-streams");
    JsonNode budget = deploy.kubernetes("PodDisruptionBudget", "notifier-streams");
    int replicas = streams.path("spec").path("replicas").asInt();
    int standbys = Integer.parseInt(config.kafka().properties().get("num.standby.replicas"));
    assertThat(budget.path("spec").path("maxUnavailable").asInt()).as("streams PDB maxUnavailable").isEqualTo(1);
    assertThat(budget.path("spec").path("selector").path("matchLabels"))
        .isEqualTo(streams.path("spec").path("selector").path("matchLabels"));
    assertThat(replicas).as("replicas: one stopped leaves one with a standby of each task").isGreaterThan(standbys);
  }

  @Test
  void configMapConfigLoadsWithTheProjectsLoaderAndTheSecretSuppliesItsPasswords(@TempDir Path tmp)
      throws IOException {
    NotifierConfig config = kubernetesConfig(tmp);
    assertThat(config.management().port()).as("management.port").isEqualTo(Management.DEFAULT_PORT);
    assertThat(config.kafka().properties()).as("standby replicas for the StatefulSet")
        .containsKey("num.standby.replicas");
    assertThat(Integer.parseInt(config.kafka().properties().get("num.standby.replicas"))).isPositive();

    // the stateDir is on the StatefulSet's claim, below its mount point (whose root the image's user does not own)
    JsonNode streams = deploy.kubernetes("StatefulSet", "notifier-streams");
    JsonNode stateMount = mountAbove(Manifests.container(streams, "streams"), config.streams().stateDir(), "streams");
    assertThat(texts(streams.path("spec").path("volumeClaimTemplates"), "metadata", "name"))
        .as("streams.stateDir " + config.streams().stateDir() + " is on a volumeClaimTemplate")
        .contains(stateMount.path("name").asText());

    // every passwordEnv is a key of a Secret the worker gets as environment, and no key is unused
    Map<String, String> env = workerSecretEnv();
    Set<String> passwordEnvs = config.accounts().stream().map(AccountSettings::passwordEnv)
        .filter(e -> e != null).collect(Collectors.toSet());
    assertThat(passwordEnvs).as("passwordEnv of the accounts").isNotEmpty();
    assertThat(env.keySet()).as("the worker's Secret keys == the accounts' passwordEnv").isEqualTo(passwordEnvs);
    AccountsValidator.validate(config.accounts(), env::get);
    assertThatThrownBy(() -> AccountsValidator.validate(config.accounts(), name -> null))
        .as("without the Secret the worker would refuse to start").hasMessageContaining("passwordEnv");
  }

  @Test
  void kedaScalesTheWorkersOnTheirGroupsLagOfTheSendTopic(@TempDir Path tmp) throws IOException {
    NotifierConfig config = kubernetesConfig(tmp);
    JsonNode scaled = deploy.kubernetes("ScaledObject", "notifier-worker");
    assertThat(scaled.path("apiVersion").asText()).isEqualTo("keda.sh/v1alpha1");
    assertThat(scaled.path("spec").path("scaleTargetRef").path("name").asText())
        .isEqualTo(deploy.kubernetes("Deployment", "notifier-worker").path("metadata").path("name").asText());
    JsonNode trigger = scaled.path("spec").path("triggers").path(0);
    assertThat(trigger.path("type").asText()).isEqualTo("kafka");
    JsonNode meta = trigger.path("metadata");
    assertThat(meta.path("consumerGroup").asText()).as("KEDA consumerGroup == worker.groupId")
        .isEqualTo(config.workerSettings().groupId());
    assertThat(meta.path("topic").asText()).as("KEDA topic == the send topic")
        .isEqualTo(config.kafka().topics().send().name());
    assertThat(meta.path("bootstrapServers").asText()).isEqualTo(config.kafka().bootstrapServers());
    assertThat(Integer.parseInt(meta.path("lagThreshold").asText())).isPositive();

    int min = scaled.path("spec").path("minReplicaCount").asInt();
    int max = scaled.path("spec").path("maxReplicaCount").asInt();
    int partitions = config.topics().partitions();
    int pdbMin = deploy.kubernetes("PodDisruptionBudget", "notifier-worker").path("spec").path("minAvailable").asInt();
    assertThat(min).as("minReplicaCount >= 2 and > the PDB's minAvailable").isGreaterThanOrEqualTo(2)
        .isGreaterThan(pdbMin);
    assertThat(max).as("maxReplicaCount between min and the send topic's partitions").isBetween(min, partitions);
  }

  @Test
  void servicesExposeTheMetricsPortOfTheirPods() {
    for (JsonNode service : deploy.kubernetesOfKind("Service")) {
      String name = service.path("metadata").path("name").asText();
      JsonNode port = Manifests.stream(service.path("spec").path("ports"))
          .filter(p -> "metrics".equals(p.path("name").asText())).findFirst()
          .orElseThrow(() -> new AssertionError("Service " + name + " has no port named metrics"));
      assertThat(port.path("port").asInt()).as("Service " + name).isEqualTo(Management.DEFAULT_PORT);
      Map<String, String> selector = strings(service.path("spec").path("selector"));
      long matches = deploy.kubernetesObjects().stream()
          .filter(o -> Set.of("Deployment", "StatefulSet").contains(o.path("kind").asText()))
          .filter(o -> strings(o.path("spec").path("template").path("metadata").path("labels")).entrySet()
              .containsAll(selector.entrySet()))
          .count();
      assertThat(matches).as("Service " + name + " selects one workload's pods").isEqualTo(1);
    }
    JsonNode streams = deploy.kubernetes("StatefulSet", "notifier-streams");
    JsonNode headless = deploy.kubernetes("Service", streams.path("spec").path("serviceName").asText());
    assertThat(headless.path("spec").path("clusterIP").asText()).as("the StatefulSet's Service is headless")
        .isEqualTo("None");
  }

  @Test
  void kustomizationListsEveryManifestAndTheJibImage() throws IOException {
    JsonNode kustomization = deploy.single("kubernetes/kustomization.yaml");
    Set<String> manifests;
    try (var list = Files.list(deploy.path("kubernetes"))) {
      manifests = list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml"))
          .filter(n -> !n.equals("kustomization.yaml")).collect(Collectors.toCollection(TreeSet::new));
    }
    assertThat(new TreeSet<>(texts(kustomization.path("resources")))).isEqualTo(manifests);
    assertThat(kustomization.has("namespace")).as("namespace-agnostic").isFalse();
    JsonNode image = kustomization.path("images").path(0);
    assertThat(image.path("name").asText() + ":" + image.path("newTag").asText()).isEqualTo(IMAGE);
  }

  // ---- topics (compose and Kubernetes run the image's `topics create` with the workloads' config) --------

  @Test
  void composeCreatesTheTopicsWithTheImagesTopicsCommandBeforeAnyNotifierServiceStarts() {
    JsonNode services = deploy.single("compose.yaml").path("services");
    JsonNode topics = services.path("topics");
    assertThat(topics.path("image").asText()).as("compose service topics image").isEqualTo(IMAGE);
    assertThat(texts(topics.path("command"))).as("compose service topics command")
        .startsWith("topics", "create", "--config", Management.CONFIG_PATH).contains("--timeout");
    assertThat(texts(topics.path("volumes"))).contains("./notifier.compose.yaml:" + Management.CONFIG_PATH + ":ro");
    // no health check (the broker image has no shell, podman-compose waits for none): topics create --timeout waits
    assertThat(topics.path("depends_on").path("kafka").path("condition").asText()).isEqualTo("service_started");
    assertThat(topics.path("restart").asText()).as("one-shot").isEqualTo("no");
    services.properties().forEach(e -> {
      if (runsNotifierCommand(e.getValue()) && !e.getKey().equals("topics")) {
        assertThat(startsAfterTopics(services, e.getKey())).as("compose service " + e.getKey()
            + " starts once topics completed successfully (directly or through a service it waits for)").isTrue();
      }
    });
    NotifierConfig config = ConfigFile.load(deploy.path("notifier.compose.yaml"));
    assertThat(config.topics().replicationFactor()).as("topics.replicationFactor: compose runs one broker")
        .isEqualTo((short) 1);
    assertThat(config.topics().partitions()).as("topics.partitions: at least one send partition per worker")
        .isGreaterThanOrEqualTo(services.path("worker").path("deploy").path("replicas").asInt());
  }

  @Test
  void theTopicsJobRunsTheImagesTopicsCommandWithTheConfigMap(@TempDir Path tmp) throws IOException {
    JsonNode job = deploy.kubernetes("Job", "notifier-topics");
    JsonNode container = Manifests.container(job, "topics");
    assertThat(container.path("image").asText()).as("Job notifier-topics image").isEqualTo(IMAGE);
    assertThat(texts(container.path("args"))).as("Job notifier-topics args")
        .containsExactly("topics", "create", "--config", Management.CONFIG_PATH);
    JsonNode volume = volume(job.path("spec").path("template"),
        mount(container, CONFIG_DIR, "Job notifier-topics").path("name").asText(), "Job notifier-topics");
    assertThat(volume.path("configMap").path("name").asText()).as("the workloads' ConfigMap")
        .isEqualTo("notifier-config");
    JsonNode security = job.path("spec").path("template").path("spec").path("securityContext");
    assertThat(security.path("runAsUser").asInt()).as("Job runAsUser: the image's user").isEqualTo(10001);
    if (container.path("securityContext").path("readOnlyRootFilesystem").asBoolean()) {
      mount(container, "/tmp", "Job notifier-topics (read-only root)");
    }
    assertThat(kubernetesConfig(tmp).topics().replicationFactor()).as("topics.replicationFactor in the ConfigMap")
        .isNotNull();
  }

  @Test
  void theTopicsJobThenAppliesTheRolesAclsWithTheSameConfigMap() {
    JsonNode job = deploy.kubernetes("Job", "notifier-topics");
    JsonNode pod = job.path("spec").path("template").path("spec");
    assertThat(Manifests.stream(pod.path("initContainers")).map(c -> c.path("name").asText()))
        .as("topics first: ACLs name topics").containsExactly("topics");
    JsonNode acls = Manifests.container(job, "acls");
    assertThat(acls.path("image").asText()).isEqualTo(IMAGE);
    assertThat(texts(acls.path("args"))).as("Job notifier-topics acls args")
        .containsExactly("acls", "--apply", "--skip-without-authorizer", "--config", Management.CONFIG_PATH);
    mount(acls, CONFIG_DIR, "Job notifier-topics acls");
  }

  @Test
  void noManifestListsTopicNamesOrCreatesTopicsByHand() throws IOException {
    Set<String> names = Topics.standard().all().stream().map(t -> t.name()).collect(Collectors.toSet());
    for (String file : List.of("compose.yaml", "kubernetes/topics-job.yaml")) {
      String text = Files.readString(deploy.path(file));
      assertThat(text).as(file).doesNotContain("kafka-topics");
      assertThat(names.stream().filter(text::contains)).as(file + " names no topic: the catalogue does").isEmpty();
    }
  }

  // ---- compose ---------------------------------------------------------------------------------

  @Test
  void composeRunsTheJibImageWithTheMountedConfig() {
    JsonNode services = deploy.single("compose.yaml").path("services");
    List<String> notifierServices = new ArrayList<>();
    services.properties().forEach(e -> {
      if (runsNotifierCommand(e.getValue())) {
        notifierServices.add(e.getKey());
        assertThat(texts(e.getValue().path("command"))).as(e.getKey() + " command").contains("--config")
            .contains(Management.CONFIG_PATH);
        assertThat(texts(e.getValue().path("volumes"))).as(e.getKey() + " mounts the compose config at CONFIG_PATH")
            .contains("./notifier.compose.yaml:" + Management.CONFIG_PATH + ":ro");
      }
    });
    assertThat(notifierServices).contains("streams", "worker");
    assertThat(texts(services.path("streams").path("command")).get(0)).isEqualTo("streams");
    assertThat(texts(services.path("worker").path("command")).get(0)).isEqualTo("worker");
    assertThat(services.path("worker").path("deploy").path("replicas").asInt()).as("three workers").isEqualTo(3);
    assertThat(services.path("kafka").path("image").asText()).as("the broker image built here, of the clients' version")
        .isEqualTo(KAFKA_IMAGE);
    assertThat(services.path("smtp").path("image").asText()).as("the inbox runs from the image").isEqualTo(IMAGE);
    assertThat(texts(services.path("smtp").path("entrypoint"))).as("the inbox: the testkit's SMTP server")
        .contains("@/app/jib-classpath-file", SmtpSinkMain.class.getName());
  }

  /** A service running the notifier command of the image (not the inbox, which runs another main class from it). */
  private static boolean runsNotifierCommand(JsonNode service) {
    return service.path("image").asText().equals(IMAGE) && !service.has("entrypoint");
  }

  @Test
  void composeConfigLoadsAndSendsToTheInboxWithoutAPassword() {
    NotifierConfig config = ConfigFile.load(deploy.path("notifier.compose.yaml"));
    JsonNode services = deploy.single("compose.yaml").path("services");
    assertThat(config.kafka().bootstrapServers()).isEqualTo("kafka:9092");
    assertThat(services.path("kafka").path("environment").path("KAFKA_ADVERTISED_LISTENERS").asText())
        .contains("PLAINTEXT://" + config.kafka().bootstrapServers());
    AccountSettings inbox = config.accounts().get(0);
    assertThat(services.has(inbox.host())).as("account host " + inbox.host() + " is a compose service").isTrue();
    assertThat(texts(services.path(inbox.host()).path("entrypoint"))).as("the inbox listens on the account's port")
        .endsWith("--port", String.valueOf(inbox.port()));
    assertThat(inbox.security()).isEqualTo(Security.NONE);
    AccountsValidator.validate(config.accounts(), name -> null);
    assertThat(config.management().port()).isEqualTo(Management.DEFAULT_PORT);
    assertThat(config.management().host()).as("reachable by Prometheus").isEqualTo("0.0.0.0");
    Duration stop = Duration.parse("PT" + services.path("worker").path("stop_grace_period").asText().toUpperCase(java.util.Locale.ROOT));
    assertThat(stop).as("stop_grace_period > drainTimeout").isGreaterThan(config.workerSettings().drainTimeout());
    assertThat(texts(services.path("streams").path("volumes"))).as("streams.stateDir is below a volume")
        .anyMatch(v -> config.streams().stateDir().startsWith(v.substring(v.lastIndexOf(':') + 1) + "/"));
  }

  /**
   * For a Prometheus of the Prometheus Operator: a PodMonitor scrapes every notifier workload's metrics port under
   * the job names prometheus.yml gives (which NotifierTargetDown matches), and the PrometheusRule carries exactly the
   * rules of alerts.yml, which promtool tests (AlertRulesTest).
   */
  @Test
  void theOperatorsPodMonitorScrapesEveryWorkloadAndItsRuleIsExactlyTheAlertsFile() throws IOException {
    JsonNode kustomization = deploy.single("kubernetes/monitoring/kustomization.yaml");
    Set<String> files;
    try (var list = Files.list(deploy.path("kubernetes/monitoring"))) {
      files = list.map(p -> p.getFileName().toString()).filter(n -> !n.equals("kustomization.yaml"))
          .collect(Collectors.toCollection(TreeSet::new));
    }
    assertThat(new TreeSet<>(texts(kustomization.path("resources")))).isEqualTo(files);

    JsonNode rule = deploy.single("kubernetes/monitoring/prometheusrule.yaml");
    assertThat(rule.path("kind").asText()).isEqualTo("PrometheusRule");
    assertThat(rule.path("spec").path("groups")).as("the PrometheusRule's groups == alerts.yml's: copy them over")
        .isEqualTo(deploy.single("prometheus/alerts.yml").path("groups"));

    JsonNode monitor = deploy.single("kubernetes/monitoring/podmonitor.yaml");
    JsonNode endpoint = monitor.path("spec").path("podMetricsEndpoints").path(0);
    assertThat(endpoint.path("path").asText()).isEqualTo(Management.METRICS_PATH);
    JsonNode job = endpoint.path("relabelings").path(0);
    assertThat(texts(job.path("sourceLabels"))).containsExactly(
        "__meta_kubernetes_pod_label_app_kubernetes_io_component");
    assertThat(job.path("targetLabel").asText()).isEqualTo("job");
    Set<String> composeJobs = new HashSet<>(texts(deploy.single("prometheus/prometheus.yml").path("scrape_configs"),
        "job_name"));
    List<JsonNode> workloads = List.of(deploy.kubernetes("StatefulSet", "notifier-streams"),
        deploy.kubernetes("Deployment", "notifier-worker"), deploy.kubernetes("Deployment", "notifier-bounces"),
        deploy.kubernetes("Deployment", "notifier-webhooks"));
    for (JsonNode workload : workloads) {
      String name = workload.path("metadata").path("name").asText();
      JsonNode labels = workload.path("spec").path("template").path("metadata").path("labels");
      monitor.path("spec").path("selector").path("matchLabels").properties().forEach(l -> assertThat(
          labels.path(l.getKey()).asText()).as(name + "'s pods carry the PodMonitor's label " + l.getKey())
          .isEqualTo(l.getValue().asText()));
      String component = labels.path("app.kubernetes.io/component").asText();
      assertThat(job.path("replacement").asText().replace("$1", component)).as(name + "'s job")
          .isIn(composeJobs);
      assertThat(texts(Manifests.container(workload, component).path("ports"), "name")).as(name + "'s ports")
          .contains(endpoint.path("port").asText());
    }
  }

  @Test
  void prometheusScrapesEveryNotifierServiceOnTheManagementPort() {
    JsonNode prometheus = deploy.single("prometheus/prometheus.yml");
    Set<String> scraped = new HashSet<>();
    for (JsonNode job : prometheus.path("scrape_configs")) {
      assertThat(job.path("metrics_path").asText(Management.METRICS_PATH)).isEqualTo(Management.METRICS_PATH);
      for (JsonNode statics : job.path("static_configs")) {
        for (String target : texts(statics.path("targets"))) {
          assertThat(target).endsWith(":" + Management.DEFAULT_PORT);
          scraped.add(target.substring(0, target.indexOf(':')));
        }
      }
      for (JsonNode dns : job.path("dns_sd_configs")) {
        assertThat(dns.path("port").asInt()).isEqualTo(Management.DEFAULT_PORT);
        scraped.addAll(texts(dns.path("names")));
      }
      assertThat(job.toString()).as("relabelling names no metric").doesNotContain("__name__");
    }
    Set<String> notifierServices = new HashSet<>();
    deploy.single("compose.yaml").path("services").properties().forEach(e -> {
      if (runsNotifierCommand(e.getValue()) && !e.getValue().path("restart").asText().equals("no")) {
        notifierServices.add(e.getKey());
      }
    });
    assertThat(scraped).as("every long-running notifier service is scraped").isEqualTo(notifierServices);
  }

  // ---- Grafana ---------------------------------------------------------------------------------

  @Test
  void dashboardUsesOnlyContractMetricsAndLabelsAndCoversEachConcern() {
    JsonNode dashboard = deploy.single("grafana/dashboards/notifier.json");
    Set<String> used = new LinkedHashSet<>();
    List<String> exprs = new ArrayList<>();
    dashboard.path("panels").forEach(panel -> {
      if (!"row".equals(panel.path("type").asText())) {
        assertThat(panel.path("targets").size()).as("panel " + panel.path("title") + " has a query").isPositive();
      }
      panel.path("targets").forEach(t -> exprs.add(t.path("expr").asText()));
    });
    for (String expr : exprs) {
      Set<String> metrics = metricNames(expr);
      assertThat(metrics).as("metrics of " + expr).isNotEmpty();
      for (String metric : metrics) {
        assertThat(CONTRACT_METRICS.containsKey(metric) || CONTRACT_PREFIXES.stream().anyMatch(metric::startsWith))
            .as(metric + " (in " + expr + ") is a metric of the contract").isTrue();
        Set<String> allowed = new HashSet<>(CONTRACT_METRICS.getOrDefault(metric, Set.of()));
        allowed.addAll(TARGET_LABELS);
        if (metric.startsWith("notifier_") && metrics.size() == 1) {
          assertThat(labels(expr)).as("labels of " + metric + " in " + expr).isSubsetOf(allowed);
        }
      }
      used.addAll(metrics);
    }
    assertThat(used).as("throughput, outcomes, lag, latency, breakers, throttles, dead letters").contains(
        "notifier_events_in_total", "notifier_notifications_out_total", "notifier_sends_total",
        "kafka_consumer_fetch_manager_records_lag", "notifier_smtp_send_seconds_bucket", "notifier_breaker_state",
        "notifier_throttle_tokens_available", "notifier_throttle_quota_used_ratio", "notifier_dead_letters_total");
    assertThat(exprs).anyMatch(e -> e.contains("histogram_quantile") && e.contains("notifier_smtp_send_seconds_bucket"));
    assertThat(exprs).as("the delivery delay's p99 by priority")
        .anyMatch(e -> e.contains("histogram_quantile(0.99") && e.contains("notifier_delivery_delay_seconds_bucket"));
    assertThat(exprs).as("the topology's release delay p99 by priority")
        .anyMatch(e -> e.contains("histogram_quantile(0.99") && e.contains("notifier_release_delay_seconds_bucket"));
  }

  @Test
  void grafanaProvisionsPrometheusAndTheDashboardFolderComposeMounts() {
    JsonNode grafana = deploy.single("compose.yaml").path("services").path("grafana");
    Map<String, String> mounts = new HashMap<>();
    texts(grafana.path("volumes")).forEach(v -> {
      String[] parts = v.split(":");
      mounts.put(parts[0], parts[1]);
    });
    assertThat(mounts).containsEntry("./grafana/provisioning", "/etc/grafana/provisioning");
    JsonNode provider = deploy.single("grafana/provisioning/dashboards/notifier.yaml").path("providers").path(0);
    assertThat(mounts).containsEntry("./grafana/dashboards", provider.path("options").path("path").asText());
    JsonNode source = deploy.single("grafana/provisioning/datasources/prometheus.yaml").path("datasources").path(0);
    assertThat(source.path("type").asText()).isEqualTo("prometheus");
    String host = source.path("url").asText().replaceAll("^https?://([^:/]+).*", "$1");
    assertThat(deploy.single("compose.yaml").path("services").has(host)).as("datasource host " + host).isTrue();
  }

  // ---- helpers ---------------------------------------------------------------------------------

  /** Whether {@code service} waits for topics to complete, or for a service that does. */
  private static boolean startsAfterTopics(JsonNode services, String service) {
    JsonNode dependsOn = services.path(service).path("depends_on");
    if (dependsOn.path("topics").path("condition").asText().equals("service_completed_successfully")) {
      return true;
    }
    List<String> others = new ArrayList<>();
    dependsOn.fieldNames().forEachRemaining(others::add);
    return others.stream().anyMatch(other -> startsAfterTopics(services, other));
  }

  /** The ConfigMap's notifier.yaml loaded by the project's own loader. */
  private static NotifierConfig kubernetesConfig(Path tmp) throws IOException {
    String yaml = deploy.kubernetes("ConfigMap", "notifier-config").path("data").path(CONFIG_KEY).asText();
    Path file = Files.writeString(tmp.resolve(CONFIG_KEY), yaml);
    return ConfigFile.load(file);
  }

  /** The environment the worker gets from Secrets (envFrom and secretKeyRef), name -> value. */
  private static Map<String, String> workerSecretEnv() {
    return secretEnv(deploy.kubernetes("Deployment", "notifier-worker"), "worker");
  }

  /** The environment container {@code name} of {@code workload} gets from Secrets, name -> value. */
  private static Map<String, String> secretEnv(JsonNode workload, String name) {
    JsonNode container = Manifests.container(workload, name);
    Map<String, String> env = new HashMap<>();
    for (JsonNode from : container.path("envFrom")) {
      String secret = from.path("secretRef").path("name").asText();
      if (!secret.isEmpty()) {
        env.putAll(secretData(secret));
      }
    }
    for (JsonNode e : container.path("env")) {
      JsonNode ref = e.path("valueFrom").path("secretKeyRef");
      if (!ref.isMissingNode()) {
        env.put(e.path("name").asText(), secretData(ref.path("name").asText()).get(ref.path("key").asText()));
      }
    }
    return env;
  }

  private static Map<String, String> secretData(String name) {
    JsonNode secret = deploy.kubernetes("Secret", name);
    Map<String, String> data = new HashMap<>(strings(secret.path("stringData")));
    strings(secret.path("data")).forEach((k, v) -> data.put(k, new String(java.util.Base64.getDecoder().decode(v),
        java.nio.charset.StandardCharsets.UTF_8)));
    return data;
  }

  private static void checkProbe(String what, JsonNode probe, String path) {
    JsonNode http = probe.path("httpGet");
    assertThat(http.path("path").asText()).as(what + " path").isEqualTo(path);
    String port = http.path("port").asText();
    assertThat(port.equals("metrics") || port.equals(String.valueOf(Management.DEFAULT_PORT)))
        .as(what + " port " + port + " is the management port").isTrue();
  }

  private static JsonNode mount(JsonNode container, String path, String what) {
    return Manifests.stream(container.path("volumeMounts")).filter(m -> path.equals(m.path("mountPath").asText()))
        .findFirst().orElseThrow(() -> new AssertionError(what + " mounts nothing at " + path));
  }

  /** The mount whose path is a directory above {@code path}: the state directory the app creates below a volume. */
  private static JsonNode mountAbove(JsonNode container, String path, String what) {
    return Manifests.stream(container.path("volumeMounts"))
        .filter(m -> path.startsWith(m.path("mountPath").asText() + "/")).findFirst()
        .orElseThrow(() -> new AssertionError(what + " mounts nothing above " + path));
  }

  private static JsonNode volume(JsonNode pod, String name, String what) {
    return Manifests.stream(pod.path("spec").path("volumes")).filter(v -> name.equals(v.path("name").asText()))
        .findFirst().orElseThrow(() -> new AssertionError(what + " has no volume " + name));
  }

  private static int grace(JsonNode workload) {
    JsonNode grace = workload.path("spec").path("template").path("spec").path("terminationGracePeriodSeconds");
    assertThat(grace.isInt()).as("terminationGracePeriodSeconds of " + workload.path("metadata").path("name"))
        .isTrue();
    return grace.asInt();
  }

  static List<String> texts(JsonNode array, String... path) {
    return Manifests.stream(array).map(n -> {
      JsonNode at = n;
      for (String p : path) {
        at = at.path(p);
      }
      return at.asText();
    }).toList();
  }

  private static Map<String, String> strings(JsonNode object) {
    Map<String, String> map = new HashMap<>();
    object.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
    return map;
  }

  private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*+)(?!\\s*\\()");
  private static final Set<String> PROMQL_WORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without",
      "on", "ignoring", "group_left", "group_right");

  /** The metric names of a PromQL expression: identifiers outside strings, label sets, ranges and groupings. */
  static Set<String> metricNames(String expr) {
    String bare = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
        .replaceAll("\\{[^}]*}", "")
        .replaceAll("\\[[^\\]]*]", "")
        .replaceAll("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)", "");
    Set<String> names = new LinkedHashSet<>();
    Matcher m = IDENTIFIER.matcher(bare);
    while (m.find()) {
      if (!PROMQL_WORDS.contains(m.group(1))) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** Labels an expression groups by or matches on. */
  static Set<String> labels(String expr) {
    Set<String> labels = new HashSet<>();
    Matcher grouping = Pattern.compile("\\b(?:by|without)\\s*\\(([^)]*)\\)").matcher(expr);
    while (grouping.find()) {
      Arrays.stream(grouping.group(1).split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(labels::add);
    }
    Matcher matchers = Pattern.compile("\\{([^}]*)}").matcher(expr.replaceAll("\\{\\{[^}]*}}", ""));
    while (matchers.find()) {
      Matcher name = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)").matcher(matchers.group(1));
      while (name.find()) {
        labels.add(name.group(1));
      }
    }
    return labels;
  }
}
