package io.rms.service.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.rms.service.dashboard.users.DashboardUsers;
import io.rms.service.dashboard.users.Role;
import io.rms.service.testing.Api;
import io.rms.service.testing.Await;
import io.rms.service.testing.DashboardClient;
import io.rms.service.testing.DashboardClient.Page;
import io.rms.service.testing.IntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The dashboard's pages and actions over HTTP, as a browser without JavaScript uses them. */
class DashboardPagesTest extends IntegrationTest {
  private static final Pattern MESSAGE_LINK =
      Pattern.compile("href=\"/dashboard/messages/([0-9a-f-]{36})\"");
  private static final Pattern NEW_KEY = Pattern.compile("id=\"new-key\">([^<]+)<");
  private static final String SUB = "cart.order-created";

  @Autowired DashboardUsers users;

  private DashboardClient admin;

  @org.springframework.beans.factory.annotation.Autowired
  io.rms.service.replay.ReplaySteps replaySteps;

  @BeforeEach
  void login() {
    DashboardUsersFixture.ensure(users, "operator", Role.OPERATOR);
    admin =
        DashboardClient.loggedIn(
            port, DashboardUsersFixture.ADMIN, DashboardUsersFixture.ADMIN_PASSWORD);
  }

  private static String rand() {
    return UUID.randomUUID().toString().substring(0, 8);
  }

  private static List<String> messageIds(String html) {
    List<String> ids = new ArrayList<>();
    Matcher m = MESSAGE_LINK.matcher(html);
    while (m.find()) {
      ids.add(m.group(1));
    }
    return ids;
  }

  private UUID prepare(String app, String businessKey, Object payload) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("topic", "order.created");
    body.put("businessKey", businessKey);
    body.put("payload", payload);
    Api.Response r = as(app).post("/api/v1/messages", body);
    assertThat(r.status()).isEqualTo(201);
    return r.id();
  }

  private long deadCount() {
    return jdbc.queryForObject(
        "select count(*) from delivery where subscription = ? and status = 'DEAD'",
        Long.class,
        SUB);
  }

  /** Posts the overview's redeliver-dead form for SUB; the dashboard answers with a redirect. */
  private static void redeliverDead(DashboardClient operator, int limit) {
    Page page =
        operator.submit(
            "/dashboard",
            "/dashboard/actions/subscriptions/" + SUB + "/redeliver-dead",
            Map.of("limit", String.valueOf(limit)));
    assertThat(page.status()).isEqualTo(302);
  }

  @Test
  void searchFindsABusinessKeyAcrossAppsAndPagesWithAKeysetCursor() {
    String key = "bk-" + rand();
    Set<String> sent = new HashSet<>();
    List<UUID> fromOrders = new ArrayList<>();
    for (int i = 0; i < 54; i++) {
      fromOrders.add(prepare("orders", key, Map.of("n", i)));
    }
    fromOrders.add(prepare("orders", "other-" + rand(), Map.of("n", 0)));
    UUID fromBilling = prepare("billing", key, Map.of("n", 54));
    fromOrders.subList(0, 54).forEach(id -> sent.add(id.toString()));
    sent.add(fromBilling.toString());

    Page first = admin.get("/dashboard/messages?businessKey=" + key);
    assertThat(first.status()).isEqualTo(200);
    List<String> page1 = messageIds(first.body());
    assertThat(page1).hasSize(50);
    Matcher next =
        Pattern.compile("href=\"(/dashboard/messages\\?[^\"]*cursor=[^\"]+)\"")
            .matcher(first.body());
    assertThat(next.find()).isTrue();
    String second = admin.get(next.group(1).replace("&amp;", "&")).body();
    List<String> page2 = messageIds(second);
    assertThat(page2).hasSize(5);
    assertThat(second).contains("← Newest").doesNotContain("Older →");
    Set<String> all = new HashSet<>(page1);
    all.addAll(page2);
    assertThat(all).isEqualTo(sent);
    assertThat(page1.get(0).compareTo(page1.get(49))).isPositive();

    List<String> billing =
        messageIds(admin.get("/dashboard/messages?app=billing&businessKey=" + key).body());
    assertThat(billing).hasSize(1);
    assertThat(messageIds(admin.get("/dashboard/messages?id=" + billing.get(0)).body()))
        .containsExactly(billing.get(0));
    assertThat(admin.get("/dashboard/messages?businessKey=nothing-" + rand()).body())
        .contains("No messages match");
    cancel("orders", fromOrders);
    cancel("billing", List.of(fromBilling));
  }

  /** Leaves no PREPARED messages behind for the check-back tests' sweeps to pick up. */
  private void cancel(String app, List<UUID> ids) {
    assertThat(as(app).post("/api/v1/messages/batch/cancel", Map.of("messageIds", ids)).status())
        .isEqualTo(200);
  }

  @Test
  void timeRangeFiltersByCreationTime() {
    String key = "tr-" + rand();
    UUID id = prepare("orders", key, Map.of());
    java.time.LocalDateTime now =
        jdbc.queryForObject("select now() at time zone 'UTC'", java.time.LocalDateTime.class);
    String before = now.minusMinutes(1).withNano(0).toString();
    String after = now.plusMinutes(1).withNano(0).toString();
    String search = "/dashboard/messages?businessKey=" + key;
    assertThat(messageIds(admin.get(search + "&from=" + before).body()))
        .containsExactly(id.toString());
    assertThat(messageIds(admin.get(search + "&from=" + before + "&to=" + after).body()))
        .containsExactly(id.toString());
    assertThat(messageIds(admin.get(search + "&from=" + after).body())).isEmpty();
    assertThat(messageIds(admin.get(search + "&to=" + before).body())).isEmpty();
    assertThat(admin.get(search + "&from=yesterday").status()).isEqualTo(400);
    cancel("orders", List.of(id));
  }

  @Test
  void payloadIsPrettyPrintedAndEscaped() {
    UUID id = prepare("orders", "xss-" + rand(), Map.of("note", "<script>alert(1)</script>"));
    String html = admin.get("/dashboard/messages/" + id).body();
    assertThat(html)
        .contains("&quot;note&quot; : &quot;&lt;script&gt;alert(1)&lt;/script&gt;&quot;");
    assertThat(html).doesNotContain("<script>alert(1)");
    cancel("orders", List.of(id));
  }

  @Test
  void overviewCountsWhatIsStuck() {
    Pattern inDoubt = Pattern.compile("data-testid=\"in-doubt\">(\\d+)<");
    Matcher before = inDoubt.matcher(admin.get("/dashboard/overview/panel").body());
    assertThat(before.find()).isTrue();
    UUID id = prepare("orders", "stuck-" + rand(), Map.of());
    jdbc.update("update message set status = 'IN_DOUBT' where id = ?", id);
    Matcher after = inDoubt.matcher(admin.get("/dashboard/overview/panel").body());
    assertThat(after.find()).isTrue();
    assertThat(Long.parseLong(after.group(1))).isEqualTo(Long.parseLong(before.group(1)) + 1);
  }

  @Test
  void bulkRedeliverTakesAtMostTheLimitAndIsAudited() {
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      UUID id = prepare("orders", "dead-" + rand(), Map.of("n", i));
      as("orders").post("/api/v1/messages/" + id + "/confirm");
      ids.add(id);
    }
    Await.until(
        Duration.ofSeconds(10),
        "deliveries created",
        () ->
            jdbc.queryForObject(
                    "select count(*) from delivery where message_id = any(?)",
                    Long.class,
                    (Object) ids.toArray(UUID[]::new))
                == 3);
    jdbc.update(
        "update delivery set status = 'DEAD', next_attempt_at = null, ack_deadline = null"
            + " where message_id = any(?)",
        (Object) ids.toArray(UUID[]::new));
    long dead = deadCount();
    DashboardClient operator =
        DashboardClient.loggedIn(port, "operator", DashboardUsersFixture.password("operator"));

    redeliverDead(operator, 0);
    assertThat(deadCount()).isEqualTo(dead);

    redeliverDead(operator, 2);
    assertThat(operator.get("/dashboard").body()).contains("Redelivering 2 DEAD deliveries");
    assertThat(deadCount()).isEqualTo(dead - 2);
    assertThat(operator.get("/dashboard/audit?actor=user:operator").body())
        .contains("REDELIVER")
        .contains("user:operator");
  }

  @Test
  void aParkedKeyIsShownWithItsBlockingMessageAndDiscardingItReleasesTheNext() {
    String key = "parked-" + rand();
    List<UUID> ids = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Api.Response sent =
          as("orders").send("order.poison", "orderingKey", key, "payload", Map.of("i", i));
      assertThat(sent.status()).isEqualTo(201);
      ids.add(sent.id());
    }
    UUID blocking = ids.get(0);
    UUID waiting = ids.get(1);
    assertThat(
            as("cart")
                .post(
                    "/api/v1/subscriptions/cart.poison/nacks",
                    Map.of("messageId", blocking, "reason", "poison pill", "retry", false))
                .status())
        .isEqualTo(200);
    DashboardClient operator =
        DashboardClient.loggedIn(port, "operator", DashboardUsersFixture.password("operator"));
    assertThat(operator.get("/dashboard").body())
        .contains("Parked ordering keys")
        .contains(key)
        .contains(blocking.toString())
        .contains("poison pill");
    assertThat(operator.get("/dashboard/messages/" + waiting).body())
        .contains("WAITING")
        .contains("waits for");

    Page discarded =
        operator.messageAction(blocking, "discard", Map.of("subscription", "cart.poison"));
    assertThat(discarded.status()).isEqualTo(302);
    assertThat(operator.get("/dashboard/messages/" + blocking).body())
        .contains("Discarded the delivery to cart.poison; the next message of its key is released")
        .contains("DISCARDED");
    assertThat(
            jdbc.queryForObject(
                "select status from delivery where message_id = ? and subscription = 'cart.poison'",
                String.class,
                waiting))
        .isIn("SCHEDULED", "PUBLISHED");
    assertThat(operator.get("/dashboard").body()).doesNotContain(key);
    assertThat(operator.get("/dashboard/audit?actor=user:operator").body()).contains("DISCARD");
  }

  @Test
  void anOperatorPreviewsAndStartsAReplayAndSeesItsProgress() {
    String sub = "cart.replay-limits";
    String page = "/dashboard/subscriptions/" + sub + "/replays";
    java.time.Instant from =
        jdbc.queryForObject("select now()", java.sql.Timestamp.class).toInstant();
    UUID id = as("orders").send("order.replay-limits", "payload", Map.of("n", 1)).id();
    assertThat(as("cart").ack(sub, id).status()).isEqualTo(200);
    String to = from.plusSeconds(60).toString();
    DashboardClient operator =
        DashboardClient.loggedIn(port, "operator", DashboardUsersFixture.password("operator"));
    assertThat(operator.get(page).body()).contains("id=\"replay-form\"");

    Map<String, String> form = new java.util.LinkedHashMap<>();
    form.put("from", from.toString());
    form.put("to", to);
    form.put("dryRun", "true");
    operator.submit(page, "/dashboard/actions/subscriptions/" + sub + "/replay", form);
    assertThat(operator.get(page).body())
        .contains("Preview: a replay of this window would deliver 1 messages again.");

    form.put("dryRun", "false");
    operator.submit(page, "/dashboard/actions/subscriptions/" + sub + "/replay", form);
    String shown = operator.get(page).body();
    assertThat(shown).contains("1 messages selected").contains("data-state=\"RUNNING\"");
    assertThat(shown).contains("<progress").contains("user:operator");
    String replayId =
        jdbc.queryForObject(
            "select id from replay where subscription = ? and state = 'RUNNING'",
            String.class,
            sub);
    replaySteps.advance(replayId);
    assertThat(operator.get(page).body()).contains("data-state=\"DONE\"");
    assertThat(as("cart").ack(sub, id).status()).isEqualTo(200);
  }

  @Test
  void adminCreatesAnAppWhoseKeyIsShownOnceWorksAndRotates() {
    String id = "dash-" + rand();
    Page created =
        admin.submit(
            "/dashboard/admin/apps/new",
            "/dashboard/admin/apps",
            Map.of("id", id, "produces", "dash.topic-" + id.substring(5)));
    assertThat(created.status()).isEqualTo(302);
    assertThat(created.location()).endsWith("/dashboard/admin/apps/" + id);
    Matcher shown = NEW_KEY.matcher(admin.get("/dashboard/admin/apps/" + id).body());
    assertThat(shown.find()).isTrue();
    String key = shown.group(1);
    assertThat(admin.get("/dashboard/admin/apps/" + id).body()).doesNotContain(key);
    assertThat(new Api(port, key).get("/api/v1/messages").status()).isEqualTo(200);

    admin.submit(
        "/dashboard/admin/apps/" + id, "/dashboard/admin/apps/" + id + "/rotate-key", Map.of());
    Matcher rotated = NEW_KEY.matcher(admin.get("/dashboard/admin/apps/" + id).body());
    assertThat(rotated.find()).isTrue();
    String newKey = rotated.group(1);
    assertThat(new Api(port, key).get("/api/v1/messages").status()).isEqualTo(401);
    assertThat(new Api(port, newKey).get("/api/v1/messages").status()).isEqualTo(200);

    admin.submit(
        "/dashboard/admin/apps",
        "/dashboard/admin/apps/" + id + "/active",
        Map.of("active", "false"));
    assertThat(new Api(port, newKey).get("/api/v1/messages").status()).isEqualTo(401);
    assertThat(admin.get("/dashboard/audit?actor=user:admin").body())
        .contains("app.create")
        .contains("app.rotate-key")
        .contains("app.deactivate");
  }

  @Test
  void adminCreatedSubscriptionReceivesTheNextConfirmedMessage() {
    String suffix = rand();
    String app = "dash-" + suffix;
    String topic = "dash.topic-" + suffix;
    String subscription = "dash.sub-" + suffix;
    admin.submit(
        "/dashboard/admin/apps/new", "/dashboard/admin/apps", Map.of("id", app, "produces", topic));
    Matcher shown = NEW_KEY.matcher(admin.get("/dashboard/admin/apps/" + app).body());
    assertThat(shown.find()).isTrue();
    Api producer = new Api(port, shown.group(1));
    assertThat(producer.send(topic, "payload", Map.of()).code()).isEqualTo("no-subscription");

    Page created =
        admin.submit(
            "/dashboard/admin/subscriptions/new",
            "/dashboard/admin/subscriptions",
            Map.of("name", subscription, "topic", topic, "app", "audit", "maxAttempts", "4"));
    assertThat(created.location()).endsWith("/dashboard/admin/subscriptions/" + subscription);
    queue(subscription).close();
    Api.Response sent = producer.send(topic, "payload", Map.of());
    assertThat(sent.status()).isEqualTo(201);
    assertThat(
            jdbc.queryForObject(
                "select subscription from delivery where message_id = ?", String.class, sent.id()))
        .isEqualTo(subscription);

    admin.submit(
        "/dashboard/admin/subscriptions",
        "/dashboard/admin/subscriptions/" + subscription + "/active",
        Map.of("active", "false"));
    assertThat(producer.send(topic, "payload", Map.of()).code()).isEqualTo("no-subscription");
  }

  @Test
  void adminAddsAUserWhoCanLogInAndCannotLockThemselvesOut() {
    String name = "new-" + rand();
    admin.submit(
        "/dashboard/admin/users",
        "/dashboard/admin/users",
        Map.of("username", name, "password", "short", "role", "VIEWER"));
    assertThat(users.find(name)).isEmpty();
    admin.submit(
        "/dashboard/admin/users",
        "/dashboard/admin/users",
        Map.of("username", name, "password", "long-enough-1", "role", "VIEWER"));
    DashboardClient user = DashboardClient.loggedIn(port, name, "long-enough-1");
    assertThat(user.get("/dashboard").status()).isEqualTo(200);
    assertThat(user.get("/dashboard/admin/apps").status()).isEqualTo(403);

    admin.saveUser(DashboardUsersFixture.ADMIN, "VIEWER", true);
    assertThat(users.find(DashboardUsersFixture.ADMIN).orElseThrow().role()).isEqualTo(Role.ADMIN);
  }
}
