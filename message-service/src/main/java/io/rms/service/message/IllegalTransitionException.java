package io.rms.service.message;

/** A state change that the lifecycle's transition table does not allow. */
public class IllegalTransitionException extends IllegalStateException {
  private final Enum<?> from;
  private final Enum<?> to;

  public IllegalTransitionException(Enum<?> from, Enum<?> to) {
    super("illegal transition " + from + " -> " + to);
    this.from = from;
    this.to = to;
  }

  public Enum<?> from() {
    return from;
  }

  public Enum<?> to() {
    return to;
  }
}
