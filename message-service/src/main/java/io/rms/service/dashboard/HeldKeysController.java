package io.rms.service.dashboard;

import io.rms.service.message.HeldKeyQueries;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;

/** The held ordering keys of one subscription, with their blocking messages (read-only). */
@Controller
@RequestMapping("/dashboard/subscriptions")
class HeldKeysController {
  /** Keys the page lists at most. */
  static final int SHOWN = 200;

  private final HeldKeyQueries heldKeys;

  HeldKeysController(HeldKeyQueries heldKeys) {
    this.heldKeys = heldKeys;
  }

  @GetMapping("/{name}/held-keys")
  String heldKeys(@PathVariable String name, Model model) {
    model.addAttribute("held", heldKeys.heldKeys(name, SHOWN));
    return "dashboard/held-keys";
  }
}
