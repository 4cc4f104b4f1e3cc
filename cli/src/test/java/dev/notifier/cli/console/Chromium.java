package dev.notifier.cli.console;

import dev.notifier.testkit.RequiredTools;
import java.io.File;

/**
 * Debian's Chromium and its driver, which the browser test needs: without them the test is skipped,
 * saying what to install — or, with {@code NOTIFIER_REQUIRE_TOOLS} set (CI), it fails.
 */
final class Chromium {

  static final File BROWSER = new File("/usr/bin/chromium");
  static final File DRIVER = new File("/usr/bin/chromedriver");

  private Chromium() {
  }

  static void require() {
    require(BROWSER, DRIVER, System.getenv(RequiredTools.REQUIRE_ENV) != null);
  }

  static void require(File browser, File driver, boolean required) {
    RequiredTools.require(browser.canExecute() && driver.canExecute(), "Chromium and its driver are needed at "
        + browser + " and " + driver + " (Debian: apt-get install chromium chromium-driver)", required);
  }
}
