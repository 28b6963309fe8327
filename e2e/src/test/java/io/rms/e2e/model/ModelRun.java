package io.rms.e2e.model;

/**
 * What one seed's run works on: its own ordered subscription and two topics, so runs on one cluster
 * do not see each other's messages.
 */
record ModelRun(
    long seed, String subscription, String[] topics, SubscriptionAdmin.Settings settings) {

  static ModelRun of(long seed, SubscriptionAdmin.Settings settings) {
    String id = Long.toString(Math.abs(seed), 36);
    return new ModelRun(
        seed, "model-" + id, new String[] {"model." + id + ".a", "model." + id + ".b"}, settings);
  }
}
