package io.rms.producer.internal;

import io.rms.api.MessageView;
import io.rms.api.PrepareMessageRequest;
import io.rms.sdk.client.ResilientRmsClient;

/** One prepare call per message. */
public final class DirectPreparer implements Preparer {
  private final ResilientRmsClient client;

  public DirectPreparer(ResilientRmsClient client) {
    this.client = client;
  }

  @Override
  public Prepared prepare(PrepareMessageRequest request) {
    MessageView view = client.call(c -> c.prepare(request));
    return new Prepared(view.id(), view.status());
  }
}
