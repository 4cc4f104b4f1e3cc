package dev.notifier.cli.ops.acls;

import dev.notifier.cli.config.NotifierConfig;
import dev.notifier.cli.ops.OpsCommand;
import dev.notifier.cli.ops.OpsException;
import dev.notifier.cli.ops.TextTable;
import dev.notifier.schemas.admin.AclCatalogue;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.errors.SecurityDisabledException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code notifier acls}: prints, or with {@code --apply} creates, the Kafka ACLs of every role
 * ({@link AclCatalogue}) for the principals of the config's {@code acls} section. Creating an ACL that
 * exists changes nothing, so it can run on every deployment (the manifests' topics job does).
 */
@Command(name = "acls", mixinStandardHelpOptions = true,
    description = {"Print the Kafka ACLs each notifier role needs (producers, directory, streams, workers, analysts, "
        + "replayers, SREs), for the principals in the config's acls section; with --apply, create them.",
        "The cluster must run an authorizer (e.g. StandardAuthorizer) for ACLs to mean anything; --apply needs a "
            + "principal allowed to ALTER the cluster."})
public final class AclsCommand extends OpsCommand {

  @Option(names = "--apply", description = "create the ACLs on the cluster (those that exist are left as they are)")
  boolean apply;

  @Option(names = "--skip-without-authorizer", description = "with --apply: on a cluster that runs no authorizer, "
      + "say so and exit 0 instead of failing (for a deployment job that runs on secured and open clusters alike)")
  boolean skipWithoutAuthorizer;

  @Override
  protected int run() throws Exception {
    NotifierConfig config = kafka.configFile();
    if (config == null) {
      throw new OpsException("notifier acls needs --config FILE: the principals come from its acls section, the "
          + "streams application id and the worker group from its streams and worker sections");
    }
    List<AclBinding> bindings = AclCatalogue.bindings(kafka.settings().topics(), config.streams().applicationId(),
        config.workerSettings().groupId(), config.acls().principals());
    PrintWriter out = out();
    TextTable table = new TextTable(List.of("principal", "operation", "resource", "pattern", "name"));
    for (AclBinding b : bindings) {
      table.row(List.of(b.entry().principal(), b.entry().operation().name(), b.pattern().resourceType().name(),
          b.pattern().patternType().name(), b.pattern().name()));
    }
    table.print(out);
    if (!apply) {
      out.println(bindings.size() + " ACLs (ALLOW, any host); run with --apply to create them");
      out.flush();
      return 0;
    }
    try (Admin admin = Admin.create(kafka.settings().clientProperties())) {
      admin.createAcls(bindings).all().get(timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SecurityDisabledException) {
        String open = "the cluster runs no authorizer, so it lets every principal do everything: no ACLs applied "
            + "(configure authorizer.class.name, e.g. StandardAuthorizer, on the brokers to enforce them)";
        if (skipWithoutAuthorizer) {
          out.println(open);
          out.flush();
          return 0;
        }
        throw new OpsException(open);
      }
      throw new OpsException("could not create the ACLs: " + e.getCause().getMessage() + " (the principal of this "
          + "command needs ALTER on the cluster, and the brokers an authorizer)", e.getCause());
    } catch (TimeoutException e) {
      throw new OpsException("the cluster did not confirm the ACLs within --timeout " + timeout().toSeconds() + " s");
    }
    out.println("applied " + bindings.size() + " ACLs (ALLOW, any host)");
    out.flush();
    return 0;
  }
}
