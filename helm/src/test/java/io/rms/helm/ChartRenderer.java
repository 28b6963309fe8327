package io.rms.helm;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;

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
    TemplateCommand command =
        new Helm(CHART)
            .template()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeVersion(KUBE_VERSION);
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

  static Path resource(String name) {
    try {
      return Path.of(ChartRenderer.class.getClassLoader().getResource(name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalArgumentException("no test resource " + name, e);
    }
  }
}
