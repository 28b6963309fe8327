package io.rms.service.dashboard;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import io.rms.service.dashboard.users.DashboardUsers;
import io.rms.service.dashboard.users.Role;
import io.rms.service.testing.Api;
import io.rms.service.testing.Await;
import io.rms.service.testing.IntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The dashboard in Debian's Chromium, driven by Playwright: what an operator does when something is
 * stuck. Saves the README's screenshots to {@code docs/screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardBrowserTest extends IntegrationTest {
  private static final String SUB = "cart.order-created";
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Path SCREENSHOTS = Paths.get("..", "docs", "screenshots");

  @Autowired DashboardUsers users;

  private Playwright playwright;
  private Browser browser;
  private BrowserContext context;

  @BeforeAll
  void browser() {
    // CI (RMS_TEST_INFRA=real, .ci/run installs Debian's chromium) always runs these; a machine
    // without the browser skips them with a hint instead of failing ./mvnw verify
    boolean required = "real".equalsIgnoreCase(System.getenv("RMS_TEST_INFRA"));
    org.junit.jupiter.api.Assumptions.assumeTrue(
        required || Files.isExecutable(Paths.get("/usr/bin/chromium")),
        "browser tests need /usr/bin/chromium (apt-get install chromium)");
    PlaywrightAssertions.setDefaultAssertionTimeout(WAIT.toMillis());
    playwright =
        Playwright.create(
            new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    browser =
        playwright
            .chromium()
            .launch(
                new BrowserType.LaunchOptions()
                    .setExecutablePath(Paths.get("/usr/bin/chromium"))
                    .setHeadless(true)
                    .setArgs(
                        List.of(
                            "--no-sandbox",
                            "--headless",
                            "--disable-gpu",
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--no-first-run")));
  }

  @AfterAll
  void closeBrowser() {
    if (browser != null) {
      browser.close();
    }
    if (playwright != null) {
      playwright.close();
    }
  }

  @BeforeEach
  void users() {
    DashboardUsersFixture.ensure(users, "viewer", Role.VIEWER);
    context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1400, 900));
    context.setDefaultTimeout(WAIT.toMillis());
  }

  @AfterEach
  void closeContext() {
    context.close();
  }

  private String url(String path) {
    return "http://127.0.0.1:" + port + path;
  }

  private Page login(String username, String password) {
    Page page = context.newPage();
    page.navigate(url("/dashboard"));
    assertThat(page).hasURL(url("/dashboard/login"));
    page.fill("#username", username);
    page.fill("#password", password);
    page.click("button[type=submit]");
    assertThat(page).hasURL(url("/dashboard"));
    return page;
  }

  private Page asAdmin() {
    return login(DashboardUsersFixture.ADMIN, DashboardUsersFixture.ADMIN_PASSWORD);
  }

  private UUID send(String businessKey, Map<String, Object> payload) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("topic", "order.created");
    body.put("businessKey", businessKey);
    body.put("payload", payload);
    body.put("headers", Map.of("tenant", "eu"));
    Api.Response r = as("orders").post("/api/v1/messages/send", body);
    assertThat(r.status()).isEqualTo(201);
    return r.id();
  }

  private String delivery(UUID id) {
    return jdbc.queryForObject(
        "select status from delivery where message_id = ? and subscription = ?",
        String.class,
        id,
        SUB);
  }

  /** A message whose delivery the consumer refused for good: DEAD, with NACK and DEAD events. */
  private UUID deadMessage(String businessKey) {
    UUID id =
        send(
            businessKey,
            Map.of(
                "orderId", 4711, "items", List.of(Map.of("sku", "A-12", "qty", 2)), "total", 59.9));
    Await.until(WAIT, "published", () -> delivery(id).equals("PUBLISHED"));
    Api.Response nack =
        as("cart")
            .post(
                "/api/v1/subscriptions/" + SUB + "/nacks",
                Map.of(
                    "messageId",
                    id.toString(),
                    "reason",
                    "stock service timed out",
                    "retry",
                    false));
    assertThat(nack.status()).isEqualTo(200);
    assertThat(delivery(id)).isEqualTo("DEAD");
    return id;
  }

  private UUID inDoubtMessage(String businessKey) {
    Api.Response r =
        as("orders")
            .prepare("order.created", "businessKey", businessKey, "payload", Map.of("orderId", 7));
    assertThat(r.status()).isEqualTo(201);
    jdbc.update("update message set status = 'IN_DOUBT' where id = ?", r.id());
    return r.id();
  }

  private void ack(UUID id) {
    Api.Response r =
        as("cart")
            .post(
                "/api/v1/subscriptions/" + SUB + "/acks",
                Map.of("messageIds", List.of(id.toString())));
    assertThat(r.status()).isEqualTo(200);
  }

  private void screenshot(Page page, String name) {
    if (Files.isDirectory(SCREENSHOTS)) {
      page.screenshot(
          new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name)).setFullPage(true));
    }
  }

  @Test
  void operatorFindsAMessageByBusinessKeyAndReadsItsTimeline() {
    String key = "order-" + UUID.randomUUID().toString().substring(0, 8);
    UUID id = deadMessage(key);
    Page page = asAdmin();
    page.click("text=Messages");
    page.fill("#businessKey", key);
    page.click("button:has-text('Search')");
    Locator rows = page.locator("#results tbody tr");
    assertThat(rows).hasCount(1);
    page.click("a:has-text('" + id + "')");
    assertThat(page).hasURL(url("/dashboard/messages/" + id));
    Locator timeline = page.locator("#timeline");
    assertThat(timeline).containsText("Prepared");
    assertThat(timeline).containsText("Confirmed");
    assertThat(timeline).containsText("NACK");
    assertThat(timeline).containsText("stock service timed out");
    assertThat(timeline).containsText("DEAD");
    assertThat(page.locator("#payload")).containsText("\"orderId\" : 4711");
  }

  @Test
  void redeliveredDeadDeliveryBecomesAckedWhenTheConsumerAcks() {
    String key = "order-" + UUID.randomUUID().toString().substring(0, 8);
    UUID id = deadMessage(key);
    Page page = asAdmin();
    page.navigate(url("/dashboard/messages/" + id));
    Locator row = page.locator("#deliveries tr[data-subscription='" + SUB + "']");
    assertThat(row.locator(".delivery-status")).hasText("DEAD");
    row.locator("button[data-open^='dlg-redeliver']").click();
    Locator dialog = page.locator("dialog[open]");
    assertThat(dialog).containsText("Redeliver now?");
    dialog.locator("button[type=submit]").click();
    assertThat(page.locator(".flash.notice")).containsText("Redelivering to " + SUB);
    Await.until(WAIT, "published again", () -> delivery(id).equals("PUBLISHED"));

    ack(id);
    page.reload();
    assertThat(row.locator(".delivery-status")).hasText("ACKED");
    assertThat(page.locator("#message-status")).hasText("DELIVERED");
    assertThat(page.locator("#timeline")).containsText("by user:admin");
    screenshot(page, "message.png");

    page.click("text=Audit");
    assertThat(page.locator("#audit")).containsText("REDELIVER");
    assertThat(page.locator("#audit")).containsText("user:admin");
  }

  @Test
  void discardingADeadDeliveryAsksFirstThenFinishesItsMessage() {
    UUID id = deadMessage("order-" + UUID.randomUUID().toString().substring(0, 8));
    Page page = asAdmin();
    page.navigate(url("/dashboard/messages/" + id));
    Locator row = page.locator("#deliveries tr[data-subscription='" + SUB + "']");
    row.locator("button[data-open^='dlg-discard']").click();
    Locator dialog = page.locator("dialog[open]");
    assertThat(dialog).containsText("Discard this delivery?");
    dialog.locator("button[data-close]").click();
    assertThat(page.locator("dialog[open]")).hasCount(0);
    assertThat(row.locator(".delivery-status")).hasText("DEAD");
    assertThat(delivery(id)).as("Back changes nothing").isEqualTo("DEAD");

    row.locator("button[data-open^='dlg-discard']").click();
    page.locator("dialog[open] button[type=submit]").click();
    assertThat(page.locator(".flash.notice")).containsText("Discarded the delivery to " + SUB);
    assertThat(row.locator(".delivery-status")).hasText("DISCARDED");
    assertThat(page.locator("#message-status")).hasText("DELIVERED");
    assertThat(row.locator("button")).hasCount(0);
  }

  @Test
  void operatorResolvesAnInDoubtMessage() {
    UUID id = inDoubtMessage("order-" + UUID.randomUUID().toString().substring(0, 8));
    Page page = asAdmin();
    page.navigate(url("/dashboard/messages/" + id));
    assertThat(page.locator("#message-status")).hasText("IN_DOUBT");
    page.click("button:has-text('Commit…')");
    page.locator("dialog[open] button[type=submit]").click();
    assertThat(page.locator(".flash.notice")).containsText("Committed");
    assertThat(page.locator("#message-status")).not().hasText("IN_DOUBT");
    assertThat(jdbc.queryForObject("select status from message where id = ?", String.class, id))
        .isIn("CONFIRMED", "DELIVERED");
  }

  @Test
  void viewerSeesNoActionButtons() {
    UUID inDoubt = inDoubtMessage("order-" + UUID.randomUUID().toString().substring(0, 8));
    UUID dead = deadMessage("order-" + UUID.randomUUID().toString().substring(0, 8));
    Page page = login("viewer", DashboardUsersFixture.password("viewer"));
    assertThat(page.locator("#panel")).containsText("Dead deliveries");
    assertThat(page.locator("button:has-text('Redeliver DEAD')")).hasCount(0);
    page.navigate(url("/dashboard/messages/" + inDoubt));
    assertThat(page.locator("#message-status")).hasText("IN_DOUBT");
    assertThat(page.locator("button:has-text('Commit')")).hasCount(0);
    assertThat(page.locator("button:has-text('Roll back')")).hasCount(0);
    page.navigate(url("/dashboard/messages/" + dead));
    assertThat(page.locator(".delivery-status")).hasText("DEAD");
    assertThat(page.locator("button:has-text('Redeliver')")).hasCount(0);
    assertThat(page.locator("nav")).not().containsText("Apps");
  }

  /**
   * {@code count} messages through the real API (batch prepare, batch confirm, publish, ack but the
   * last {@code unacked}), then their timestamps spread over the last hour, busier towards now,
   * with confirm → ack latencies of a few milliseconds and a slow tail, so the charts have an hour
   * to show.
   */
  private void lastHourOfTraffic(int count, int unacked) {
    List<Map<String, Object>> items = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      items.add(
          Map.of(
              "topic",
              "order.created",
              "businessKey",
              "order-" + (20_000 + i),
              "payload",
              Map.of("orderId", 20_000 + i)));
    }
    Api.Response prepared =
        as("orders").post("/api/v1/messages/batch/prepare", Map.of("items", items));
    assertThat(prepared.status()).isEqualTo(200);
    List<UUID> ids = new ArrayList<>();
    prepared.body().get("items").forEach(i -> ids.add(UUID.fromString(i.get("id").asString())));
    assertThat(ids).hasSize(count);
    assertThat(
            as("orders").post("/api/v1/messages/batch/confirm", Map.of("messageIds", ids)).status())
        .isEqualTo(200);
    UUID[] all = ids.toArray(UUID[]::new);
    Await.until(
        WAIT,
        "published",
        () ->
            jdbc.queryForObject(
                    "select count(*) from delivery where message_id = any(?) and status = 'PUBLISHED'",
                    Long.class,
                    (Object) all)
                == count);
    Api.Response acked =
        as("cart")
            .post(
                "/api/v1/subscriptions/" + SUB + "/acks",
                Map.of("messageIds", ids.subList(0, count - unacked)));
    assertThat(acked.status()).isEqualTo(200);
    jdbc.update(
        """
        update message set created_at = now() - interval '1 minute' * floor(59 * power(random(), 1.6))
                                              - interval '1 second' * floor(random() * 50)
         where id = any(?)
        """,
        (Object) all);
    jdbc.update(
        "update message set confirmed_at = created_at + interval '1 millisecond' * (3 + random() * 9)"
            + " where id = any(?)",
        (Object) all);
    jdbc.update(
        """
        update delivery d set published_at = m.confirmed_at + interval '2 milliseconds',
               acked_at = case when d.acked_at is null then null
                               else m.confirmed_at + interval '1 millisecond'
                                    * (6 + random() * 18 + case when random() < 0.06 then 120 else 0 end)
                          end
          from message m
         where m.id = d.message_id and d.message_id = any(?)
        """,
        (Object) all);
    jdbc.update(
        """
        update message m set finished_at = (select max(acked_at) from delivery d where d.message_id = m.id)
         where id = any(?) and status = 'DELIVERED'
        """,
        (Object) all);
  }

  @Test
  void overviewDrawsChartsAndShowsWhatIsStuck() {
    lastHourOfTraffic(400, 20);
    deadMessage("order-" + UUID.randomUUID().toString().substring(0, 8));
    inDoubtMessage("order-" + UUID.randomUUID().toString().substring(0, 8));

    List<String> problems = new ArrayList<>();
    context.onConsoleMessage(
        m -> {
          if ("error".equals(m.type()) || "warning".equals(m.type())) {
            problems.add(m.text());
          }
        });
    Page page = asAdmin();
    assertThat(page.locator("[data-testid=in-doubt]")).not().hasText("0");
    Locator sub = page.locator("#subscriptions tr[data-subscription='" + SUB + "']");
    assertThat(sub).containsText(SUB);
    assertThat(sub.locator("button:has-text('Redeliver DEAD')")).hasCount(1);
    assertThat(page.locator("#panel")).hasAttribute("hx-trigger", "every 10s");
    page.waitForFunction(
        "() => window.htmx && window.Chart && Chart.getChart(document.querySelector('canvas'))");
    assertThat(page.evaluate("() => document.querySelectorAll('canvas').length")).isEqualTo(2);
    screenshot(page, "overview.png");

    // what the 10-second poll does: the panel is replaced and its charts drawn again
    page.evaluate("() => { document.querySelector('canvas').setAttribute('data-old', '1'); }");
    page.evaluate(
        "() => htmx.ajax('GET', '/dashboard/overview/panel', {target: '#panel', swap: 'outerHTML'})");
    page.waitForFunction(
        "() => !document.querySelector('canvas[data-old]')"
            + " && Chart.getChart(document.querySelector('canvas'))");
    assertThat(problems).as("console errors and CSP violations").isEmpty();

    sub.locator("button:has-text('Redeliver DEAD')").click();
    Locator dialog = page.locator("dialog[open]");
    assertThat(dialog).containsText("are DEAD");
    dialog.locator("button[type=submit]").click();
    assertThat(page.locator(".flash.notice")).containsText("DEAD deliveries of " + SUB);
    assertThat(
            jdbc.queryForObject(
                "select count(*) from delivery where subscription = ? and status = 'DEAD'",
                Long.class,
                SUB))
        .isZero();
  }

  @Test
  void everyPageRendersWithoutBrowserErrors() {
    List<String> problems = new ArrayList<>();
    context.onConsoleMessage(
        m -> {
          if ("error".equals(m.type()) || "warning".equals(m.type())) {
            problems.add(m.location() + ": " + m.text());
          }
        });
    Page page = asAdmin();
    String[][] pages = {
      {"/dashboard/messages", "Created from"},
      {"/dashboard/audit", "Audit"},
      {"/dashboard/admin/apps", "orders"},
      {"/dashboard/admin/apps/shop", "Recent check-back outcomes"},
      {"/dashboard/admin/apps/new", "Create app and key"},
      {"/dashboard/admin/subscriptions", SUB},
      {"/dashboard/admin/subscriptions/" + SUB, "Ack timeout"},
      {"/dashboard/admin/subscriptions/new", "Create subscription"},
      {"/dashboard/admin/users", "Add user"},
      {"/dashboard/messages/" + UUID.randomUUID(), "Not found"}
    };
    Path target = Paths.get("target", "dashboard-pages");
    for (String[] p : pages) {
      page.navigate(url(p[0]));
      assertThat(page.locator("main")).containsText(p[1]);
      if (Files.isDirectory(target.getParent())) {
        page.screenshot(
            new Page.ScreenshotOptions()
                .setPath(target.resolve(p[0].substring(11).replace('/', '_') + ".png"))
                .setFullPage(true));
      }
    }
    assertThat(problems.stream().filter(p -> !p.contains("404")).toList()).isEmpty();
  }

  @Test
  void adminAddsAUserAndChangesItsRoleInTheUsersTable() {
    String name = "b-" + UUID.randomUUID().toString().substring(0, 8);
    Page page = asAdmin();
    page.navigate(url("/dashboard/admin/users"));
    page.fill("#username", name);
    page.fill("#password", "browser-password-1");
    page.click("button:has-text('Add user')");
    assertThat(page.locator(".flash.notice")).containsText("User " + name + " created as VIEWER");
    page.selectOption("select[aria-label='role of " + name + "']", "OPERATOR");
    page.click("#user-" + name + " button");
    assertThat(page.locator(".flash.notice")).containsText("Saved " + name);
    assertThat(users.find(name).orElseThrow().role()).isEqualTo(Role.OPERATOR);
  }
}
