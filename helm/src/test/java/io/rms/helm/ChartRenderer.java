package io.rms.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/** Runs the real Helm (helm-java's bundled native library) against the chart of this module. */
final class ChartRenderer {
  static final Path CHART = Path.of("reliable-message-service").toAbsolutePath();
  static final String RELEASE = "rms";
  static final String NAMESPACE = "messaging";
  static final String KUBE_VERSION = "1.31.0";

  private ChartRenderer() {}

  /** {@code helm lint --strict} with the default values. */
  static LintResult lintStrict() {
    return new Helm(CHART).lint().strict().call();
  }

  /** {@code helm template rms -n messaging} with these values files (test resources) and sets. */
  static Rendered template(Map<String, Object> sets, String... valuesFiles) {
    TemplateCommand command = templateCommand(CHART);
    for (String file : valuesFiles) {
      command = command.withValuesFile(resource("values/" + file));
    }
    for (Map.Entry<String, Object> set : sets.entrySet()) {
      command = command.set(set.getKey(), set.getValue());
    }
    return Rendered.parse(command.call());
  }

  static Rendered template(String... valuesFiles) {
    return template(Map.of(), valuesFiles);
  }

  /** {@code helm template rms -n messaging} with these values files (any path) and sets. */
  static Rendered templateFiles(Map<String, Object> sets, Path... valuesFiles) {
    TemplateCommand command = templateCommand(CHART);
    for (Path file : valuesFiles) {
      command = command.withValuesFile(file);
    }
    for (Map.Entry<String, Object> set : sets.entrySet()) {
      command = command.set(set.getKey(), set.getValue());
    }
    return Rendered.parse(command.call());
  }

  /**
   * {@code helm template rms -n messaging} of a copy of the chart, made under {@code dir}, whose
   * {@code template} (a path in the chart) reads {@code content}; with these values files.
   */
  static Rendered templateOfCopy(Path dir, String template, String content, Path... valuesFiles)
      throws IOException {
    Path chart = dir.resolve(CHART.getFileName().toString());
    copy(CHART, chart);
    Files.writeString(chart.resolve(template), content);
    TemplateCommand command = templateCommand(chart);
    for (Path file : valuesFiles) {
      command = command.withValuesFile(file);
    }
    return Rendered.parse(command.call());
  }

  /**
   * {@code helm template} of a copy of the chart, made under {@code dir}, in which the hooks (the
   * migration Job, the {@code helm test} Pod) are plain templates, so that they are rendered too:
   * helm-java renders no hooks.
   */
  static Rendered templateWithHooks(Path dir, Map<String, Object> sets, Path... valuesFiles)
      throws IOException {
    Path chart = dir.resolve(CHART.getFileName().toString());
    copy(CHART, chart);
    try (Stream<Path> files = Files.walk(chart.resolve("templates"))) {
      for (Path template : files.filter(Files::isRegularFile).toList()) {
        String text = Files.readString(template);
        if (text.contains("helm.sh/hook:")) {
          Files.writeString(template, text.replace("helm.sh/hook:", "rendered-for-test/hook:"));
        }
      }
    }
    TemplateCommand command = templateCommand(chart);
    for (Path file : valuesFiles) {
      command = command.withValuesFile(file);
    }
    for (Map.Entry<String, Object> set : sets.entrySet()) {
      command = command.set(set.getKey(), set.getValue());
    }
    return Rendered.parse(command.call());
  }

  private static TemplateCommand templateCommand(Path chart) {
    return new Helm(chart)
        .template()
        .withName(RELEASE)
        .withNamespace(NAMESPACE)
        .withKubeVersion(KUBE_VERSION);
  }

  private static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : files.sorted(Comparator.naturalOrder()).toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
  }

  static Path resource(String name) {
    try {
      return Path.of(ChartRenderer.class.getClassLoader().getResource(name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalArgumentException("no test resource " + name, e);
    }
  }
}
