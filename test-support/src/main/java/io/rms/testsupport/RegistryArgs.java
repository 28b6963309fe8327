package io.rms.testsupport;

import java.util.ArrayList;
import java.util.List;

/**
 * The service's command-line arguments that register apps ({@code --rms.apps[i].…}) and
 * subscriptions ({@code --rms.subscriptions[i].…}), numbered in the order they are added, so a test
 * names what it registers instead of counting indices.
 */
public final class RegistryArgs {
  private final List<String> args = new ArrayList<>();
  private int apps;
  private int subscriptions;

  /** An app with one API key, allowed to produce {@code topics}. */
  public RegistryArgs app(String id, String apiKey, String... topics) {
    apps++;
    appArg("id", id);
    appArg("api-keys[0]", apiKey);
    for (int i = 0; i < topics.length; i++) {
      appArg("produces[" + i + "]", topics[i]);
    }
    return this;
  }

  /** The check-back endpoint of the app added last and the secret its calls are signed with. */
  public RegistryArgs checkBack(String url, String secret) {
    appArg("check-back-url", url);
    appArg("check-back-secret", secret);
    return this;
  }

  /** The roles of the app added last (e.g. {@code OPERATOR}). */
  public RegistryArgs roles(String... roles) {
    for (int i = 0; i < roles.length; i++) {
      appArg("roles[" + i + "]", roles[i]);
    }
    return this;
  }

  /**
   * A subscription of {@code app} to {@code topic}; {@code settings} are more of its properties as
   * {@code key=value} (e.g. {@code ordered=true}, {@code backoff.max=2s}).
   */
  public RegistryArgs subscription(String name, String topic, String app, String... settings) {
    String prefix = "--rms.subscriptions[" + subscriptions++ + "].";
    args.add(prefix + "name=" + name);
    args.add(prefix + "topic=" + topic);
    args.add(prefix + "app=" + app);
    for (String setting : settings) {
      args.add(prefix + setting);
    }
    return this;
  }

  /** The arguments added so far. */
  public List<String> list() {
    return List.copyOf(args);
  }

  /** The arguments added so far followed by {@code more}. */
  public String[] and(String... more) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  private void appArg(String key, String value) {
    if (apps == 0) {
      throw new IllegalStateException("no app added yet for " + key);
    }
    args.add("--rms.apps[" + (apps - 1) + "]." + key + "=" + value);
  }
}
