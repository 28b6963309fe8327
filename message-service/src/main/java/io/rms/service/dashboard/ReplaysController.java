package io.rms.service.dashboard;

import io.rms.service.replay.Replays;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * The replays and backfill of one subscription with their progress, and (for operators) the form
 * that previews and starts a replay ({@link ActionsController#replay}).
 */
@Controller
@RequestMapping("/dashboard/subscriptions")
class ReplaysController {
  /** Replays the page lists at most. */
  static final int SHOWN = 50;

  private final Replays replays;

  ReplaysController(Replays replays) {
    this.replays = replays;
  }

  @GetMapping("/{name}/replays")
  String replays(@PathVariable String name, Model model) {
    model.addAttribute("subscription", name);
    var list = replays.list(name, SHOWN);
    model.addAttribute("replays", list);
    model.addAttribute("running", list.stream().anyMatch(r -> "RUNNING".equals(r.state())));
    return "dashboard/replays";
  }
}
