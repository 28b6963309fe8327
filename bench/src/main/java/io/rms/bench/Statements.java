package io.rms.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the service's statements cost its PostgreSQL per message ({@code pg_stat_statements}, which
 * the bench's instances preload): per statement, calls and execution time per message between two
 * readings, so the database's share of a lifecycle can be told apart statement by statement.
 * Planning time is not tracked (the extension's default), and the times are the server's execution,
 * not the CPU of the backend (waits for locks and I/O are in them).
 */
final class Statements {
  private static final int TOP = 8;

  private Statements() {}

  /** One statement's counters so far. */
  record Row(String query, long calls, double totalMs, long rows) {}

  /** The counters of every statement the database has run so far, by query id. */
  static Map<Long, Row> read(Db db) {
    Map<Long, Row> rows = new HashMap<>();
    try (Connection c = db.connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "select queryid, query, calls, total_exec_time, rows from pg_stat_statements"
                    + " where dbid = (select oid from pg_database where datname ="
                    + " current_database()) and queryid is not null")) {
      while (rs.next()) {
        rows.put(
            rs.getLong(1), new Row(rs.getString(2), rs.getLong(3), rs.getDouble(4), rs.getLong(5)));
      }
    } catch (SQLException unavailable) {
      Bench.log("pg_stat_statements unavailable: %s", unavailable.getMessage());
    }
    return rows;
  }

  /**
   * The statements that took the most execution time between two readings, largest first, each with
   * its calls, execution µs and rows per message.
   */
  static List<Map<String, Object>> perMessage(
      Map<Long, Row> before, Map<Long, Row> after, long messages) {
    double m = Math.max(1, messages);
    List<Map<String, Object>> all = new ArrayList<>();
    after.forEach(
        (id, row) -> {
          Row was = before.getOrDefault(id, new Row(row.query(), 0, 0, 0));
          long calls = row.calls() - was.calls();
          if (calls <= 0) {
            return;
          }
          Map<String, Object> s = new LinkedHashMap<>();
          s.put("query", row.query().replaceAll("\\s+", " ").strip());
          s.put("calls_per_msg", calls / m);
          s.put("exec_us_per_msg", (row.totalMs() - was.totalMs()) * 1000 / m);
          s.put("rows_per_msg", (row.rows() - was.rows()) / m);
          all.add(s);
        });
    all.sort(
        (a, b) ->
            Double.compare((double) b.get("exec_us_per_msg"), (double) a.get("exec_us_per_msg")));
    return all.size() > TOP ? new ArrayList<>(all.subList(0, TOP)) : all;
  }

  /** The report's section: the default rows' top statements on the service's database. */
  @SuppressWarnings("unchecked")
  static void markdown(List<Map<String, Object>> scenarios, StringBuilder md) {
    StringBuilder rows = new StringBuilder();
    for (Map<String, Object> s : scenarios) {
      List<Map<String, Object>> top = (List<Map<String, Object>>) s.get("service_statements");
      if (top == null || top.isEmpty() || ((String) s.get("name")).contains("[")) {
        continue;
      }
      for (Map<String, Object> st : top) {
        String q = (String) st.get("query");
        rows.append("| ")
            .append(s.get("name"))
            .append(" | ")
            .append(Report.fmt2((double) st.get("calls_per_msg")))
            .append(" | ")
            .append(Report.fmt((double) st.get("exec_us_per_msg")))
            .append(" | ")
            .append(Report.fmt2((double) st.get("rows_per_msg")))
            .append(" | `")
            .append((q.length() > 110 ? q.substring(0, 110) + "…" : q).replace("|", "\\|"))
            .append("` |\n");
      }
    }
    if (rows.isEmpty()) {
      return;
    }
    md.append("\nThe service's statements on its PostgreSQL, per message, best window of each")
        .append(" default sweep (`pg_stat_statements`: execution time, waits included; top ")
        .append(TOP)
        .append(
            " by time):\n\n| scenario | calls | exec µs | rows | statement |\n|---|---|---|---|---|\n")
        .append(rows);
  }
}
