package io.rms.service.dashboard.users;

import java.util.List;

/** What a dashboard user may do; each role includes the ones before it. */
public enum Role {
  /** Reads everything: overview, messages, audit. */
  VIEWER,
  /** Also resolves, cancels and redelivers. */
  OPERATOR,
  /** Also manages apps, subscriptions, API keys and users. */
  ADMIN;

  /** The Spring Security authorities of this role: {@code ROLE_<this>} and those it includes. */
  public List<String> authorities() {
    return java.util.Arrays.stream(values())
        .filter(r -> r.ordinal() <= ordinal())
        .map(r -> "ROLE_" + r.name())
        .toList();
  }
}
