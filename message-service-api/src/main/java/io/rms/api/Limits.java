package io.rms.api;

/** Limits of the contract that clients can check before calling. */
public final class Limits {
  /** Most items in one batch call (prepare, confirm, cancel, acks). */
  public static final int MAX_BATCH = 1000;

  /** Most user headers on one message. */
  public static final int MAX_HEADERS = 32;

  /** Longest header name. */
  public static final int MAX_HEADER_NAME = 64;

  /** Longest header value. */
  public static final int MAX_HEADER_VALUE = 1024;

  /** Largest page of a list call. */
  public static final int MAX_PAGE = 500;

  /** Page size when none is asked for. */
  public static final int DEFAULT_PAGE = 50;

  /** Topic names: lower-case words separated by dots or dashes. */
  public static final String TOPIC_PATTERN = "[a-z][a-z0-9._-]{0,126}";

  /** Subscription names (docs/design.md §3.2). */
  public static final String SUBSCRIPTION_PATTERN = "[a-z][a-z0-9.-]{1,126}";

  /** App ids (docs/design.md §3.1). */
  public static final String APP_PATTERN = "[a-z][a-z0-9-]{1,62}";

  private Limits() {}
}
