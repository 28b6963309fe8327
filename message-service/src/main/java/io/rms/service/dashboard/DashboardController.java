package io.rms.service.dashboard;

import io.rms.api.DeliveryStatus;
import io.rms.api.MessageStatus;
import io.rms.service.dashboard.DashboardQueries.Search;
import io.rms.service.dashboard.login.DashboardLogin;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.json.JsonMapper;

/** The read-only pages: login, overview (with its htmx-polled panel), messages, audit. */
@Controller
@RequestMapping("/dashboard")
class DashboardController {
  private final DashboardQueries queries;
  private final MessagePages messagePages;
  private final JsonMapper json;
  private final ObjectProvider<ClientRegistrationRepository> oidc;

  DashboardController(
      DashboardQueries queries,
      MessagePages messagePages,
      JsonMapper json,
      ObjectProvider<ClientRegistrationRepository> oidc) {
    this.queries = queries;
    this.messagePages = messagePages;
    this.json = json;
    this.oidc = oidc;
  }

  /** An identity provider the login page offers. */
  record Provider(String name, String href) {}

  @GetMapping("/login")
  String login(
      Model model,
      @RequestAttribute(name = DashboardLogin.RETRY_AFTER, required = false) Long retryAfter) {
    // a throttled login post is shown this page with 429 (DashboardLogin)
    model.addAttribute("retryAfter", retryAfter);
    List<Provider> providers = new ArrayList<>();
    if (oidc.getIfAvailable() instanceof Iterable<?> registrations) {
      for (Object r : registrations) {
        ClientRegistration registration = (ClientRegistration) r;
        providers.add(
            new Provider(
                registration.getClientName(),
                DashboardSecurity.OIDC_AUTHORIZATION + "/" + registration.getRegistrationId()));
      }
    }
    model.addAttribute("providers", providers);
    return "dashboard/login";
  }

  /** Where refused requests (role or CSRF) are forwarded to, whatever their method. */
  @RequestMapping("/denied")
  String denied(Model model) {
    model.addAttribute("status", 403);
    model.addAttribute("title", "Not allowed");
    model.addAttribute(
        "detail",
        "Your role does not allow this, or the form expired (reload the page and try again).");
    return "dashboard/error";
  }

  @GetMapping({"", "/"})
  String overview(Model model) {
    panel(model);
    return "dashboard/overview";
  }

  /** The part of the overview that htmx reloads every few seconds. */
  @GetMapping("/overview/panel")
  String overviewPanel(Model model) {
    panel(model);
    return "dashboard/overview :: panel";
  }

  private void panel(Model model) {
    DashboardQueries.Overview overview = queries.overview();
    model.addAttribute("o", overview);
    model.addAttribute("parked", queries.parkedKeys());
    model.addAttribute("messageStatuses", MessageStatus.values());
    model.addAttribute(
        "deliveryStatuses",
        new DeliveryStatus[] {
          DeliveryStatus.WAITING,
          DeliveryStatus.SCHEDULED,
          DeliveryStatus.PUBLISHED,
          DeliveryStatus.DEAD
        });
    model.addAttribute("chart", json.writeValueAsString(overview.minutes()));
  }

  @GetMapping("/messages")
  String messages(
      @RequestParam(required = false) String id,
      @RequestParam(required = false) String app,
      @RequestParam(required = false) String topic,
      @RequestParam(required = false) String status,
      @RequestParam(required = false) String businessKey,
      @RequestParam(required = false) String producerMessageId,
      @RequestParam(required = false) String from,
      @RequestParam(required = false) String to,
      @RequestParam(required = false) String cursor,
      Model model) {
    if (status != null && !status.isBlank()) {
      MessageStatus.valueOf(status.trim());
    }
    Search search =
        new Search(
            id, app, topic, status, businessKey, producerMessageId, time(from), time(to), cursor);
    model.addAttribute("q", search);
    model.addAttribute("fromText", from);
    model.addAttribute("toText", to);
    model.addAttribute("page", queries.search(search));
    model.addAttribute("messageStatuses", MessageStatus.values());
    model.addAttribute("apps", messagePages.appIds());
    return "dashboard/messages";
  }

  /** {@code datetime-local} input (UTC) or an ISO instant. */
  private static Instant time(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(value.trim());
    } catch (DateTimeParseException e) {
      return LocalDateTime.parse(value.trim()).toInstant(ZoneOffset.UTC);
    }
  }

  @GetMapping("/messages/{id}")
  String message(@PathVariable UUID id, Model model) {
    messagePages.fill(id, model);
    return "dashboard/message";
  }

  @GetMapping("/audit")
  String audit(
      @RequestParam(required = false) String actor,
      @RequestParam(required = false) Long before,
      Model model) {
    model.addAttribute("actor", actor);
    model.addAttribute("page", queries.audit(actor, before));
    return "dashboard/audit";
  }
}
