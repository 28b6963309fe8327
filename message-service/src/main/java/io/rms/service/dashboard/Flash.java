package io.rms.service.dashboard;

import io.rms.service.problem.RmsProblem;
import java.util.function.Supplier;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The notice or error that a dashboard form shows on the page it redirects to. */
final class Flash {
  private Flash() {}

  /**
   * {@link #outcome(RedirectAttributes, String, Supplier)} showing the problem's message as it is.
   */
  static boolean outcome(RedirectAttributes flash, Supplier<String> action) {
    return outcome(flash, "", action);
  }

  /**
   * Runs the form's action and flashes the notice it answers; when a problem refuses the action,
   * flashes its message after {@code refusedPrefix} as the error instead. Answers whether the
   * action was applied.
   */
  static boolean outcome(RedirectAttributes flash, String refusedPrefix, Supplier<String> action) {
    try {
      flash.addFlashAttribute("notice", action.get());
      return true;
    } catch (RmsProblem problem) {
      flash.addFlashAttribute("error", refusedPrefix + problem.getMessage());
      return false;
    }
  }
}
