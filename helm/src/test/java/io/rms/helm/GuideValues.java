package io.rms.helm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The example values of docs/deploy.md §4: the fenced yaml block that follows the marker comment
 * {@code <!-- deploy-guide-values: ... -->}, so the tests and helm/smoke.sh use the guide as
 * written.
 */
final class GuideValues {
  static final Path GUIDE = Path.of("..", "docs", "deploy.md").toAbsolutePath().normalize();
  static final String MARKER = "<!-- deploy-guide-values:";

  private GuideValues() {}

  /** The yaml text of the block after the marker in {@code markdown}. */
  static String extract(String markdown) {
    int marker = markdown.indexOf(MARKER);
    if (marker < 0) {
      throw new IllegalStateException("no '" + MARKER + "' marker in the guide");
    }
    int fence = markdown.indexOf("```yaml\n", marker);
    int end = fence < 0 ? -1 : markdown.indexOf("\n```", fence);
    if (fence < 0 || end < 0) {
      throw new IllegalStateException("no fenced yaml block after the marker");
    }
    return markdown.substring(fence + "```yaml\n".length(), end + 1);
  }

  /** The guide's values written to {@code file}. */
  static Path writeTo(Path file) throws IOException {
    Files.writeString(file, extract(Files.readString(GUIDE)));
    return file;
  }
}
