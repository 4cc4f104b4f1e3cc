package dev.notifier.cli.ops.topics;

import dev.notifier.schemas.Topics;
import dev.notifier.schemas.admin.Finding;
import dev.notifier.schemas.admin.TopicAdmin;
import dev.notifier.schemas.admin.TopicVerifier;
import dev.notifier.schemas.admin.TopicsNotReadyException;
import java.util.List;
import picocli.CommandLine.Command;

/** {@code notifier topics verify}: every topic of the catalogue judged by {@link TopicVerifier}; exit 1 on an error. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = {"Check that every topic exists with the configs the code needs (cleanup policy, the usage "
        + "topic's retention); warn about retry and wait tiers whose partition count is not the send topic's.",
        "Exit code 0: no error (warnings aside); 1: a topic is missing or misconfigured; 2: the check could not run."})
final class TopicsVerifyCommand extends TopicsSubcommand {

  @Override
  protected int run(TopicAdmin admin, Topics topics) {
    List<Finding> findings = admin.verify(topics, topics.specs());
    print(findings);
    int count = topics.specs().size();
    if (anyError(findings)) {
      long bad = findings.stream().filter(Finding::isError).map(Finding::topic).distinct().count();
      out().println(bad + " of " + count + " topics are missing or misconfigured: run `" + TopicsNotReadyException.FIX
          + "` to create the missing ones and set the required configs");
      return 1;
    }
    out().println("ok: all " + count + " topics exist with the configs notifier needs"
        + (findings.isEmpty() ? "" : " (" + findings.size() + " warning(s) above)"));
    return 0;
  }
}
