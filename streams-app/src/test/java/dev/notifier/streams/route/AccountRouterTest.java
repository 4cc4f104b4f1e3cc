package dev.notifier.streams.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class AccountRouterTest {

  @Test
  void aTeamUsesItsDefaultElseTheSystemDefault() {
    AccountRouter router = AccountRouter.of(List.of(
        new AccountRoute("company", List.of(), true, true),
        new AccountRoute("qa-qq", List.of("qa"), false, true)));

    assertThat(router.accountFor("qa")).isEqualTo("qa-qq");
    assertThat(router.accountFor("billing")).isEqualTo("company");
    assertThat(router.accountFor(null)).isEqualTo("company");
  }

  @Test
  void aDisabledTeamAccountIsNeverChosen() {
    AccountRouter router = AccountRouter.of(List.of(
        new AccountRoute("company", List.of(), true, true),
        new AccountRoute("qa-qq", List.of("qa"), false, false)));

    assertThat(router.accountFor("qa")).isEqualTo("company");
  }

  @Test
  void aDisabledSystemDefaultStopsStartUp() {
    assertThatThrownBy(() -> AccountRouter.of(List.of(new AccountRoute("company", List.of(), true, false))))
        .hasMessageContaining("'company' is the system default but is disabled");
  }

  @Test
  void exactlyOneSystemDefaultAndOneDefaultPerTeam() {
    assertThatThrownBy(() -> AccountRouter.of(List.of(new AccountRoute("a", List.of(), false, true))))
        .hasMessageContaining("exactly one account must have systemDefault: true, but none has it");
    assertThatThrownBy(() -> AccountRouter.of(List.of(new AccountRoute("a", List.of(), true, true),
        new AccountRoute("b", List.of(), true, true)))).hasMessageContaining("[a, b] have it");
    assertThatThrownBy(() -> AccountRouter.of(List.of(new AccountRoute("a", List.of("qa"), true, true),
        new AccountRoute("b", List.of("qa"), false, true)))).hasMessageContaining("team 'qa' has two default accounts");
  }
}
