package dev.notifier.cli.ops;

import java.io.PrintWriter;

/**
 * A one-line progress bar on standard error ({@code \r}-redrawn), for long runs. Shown only when
 * asked ({@code --progress}) or when standard error is a terminal; otherwise it prints nothing, so
 * logs and pipes stay clean.
 */
public final class ProgressBar {

  private static final int WIDTH = 30;

  private final PrintWriter err;
  private final boolean enabled;
  private final String label;
  private final long total;
  private int lastPercent = -1;

  public ProgressBar(PrintWriter err, boolean enabled, String label, long total) {
    this.err = err;
    this.enabled = enabled && total > 0;
    this.label = label;
    this.total = total;
  }

  /** Whether a bar should be drawn: asked for, or standard error is an interactive terminal. */
  public static boolean wanted(boolean forced) {
    return forced || System.console() != null;
  }

  public void update(long done) {
    if (!enabled) {
      return;
    }
    int percent = (int) (done * 100 / total);
    if (percent == lastPercent && done < total) {
      return;
    }
    lastPercent = percent;
    int filled = (int) (done * WIDTH / total);
    err.print("\r" + label + " [" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + done + "/" + total
        + " " + percent + "%");
    err.flush();
  }

  public void finish() {
    if (enabled) {
      err.println();
      err.flush();
    }
  }
}
