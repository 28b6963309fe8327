// Dashboard behaviour: confirmation dialogs and the overview charts (re-drawn after htmx swaps).
(function () {
  document.addEventListener("click", function (e) {
    var open = e.target.closest("[data-open]");
    if (open) {
      var dialog = document.getElementById(open.getAttribute("data-open"));
      if (dialog) dialog.showModal();
      return;
    }
    var close = e.target.closest("[data-close]");
    if (close) close.closest("dialog").close();
  });

  // simple yes/no confirmation for admin forms: <form data-confirm="Deactivate orders?">
  document.addEventListener("submit", function (e) {
    var message = e.target.getAttribute && e.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) e.preventDefault();
  });

  function label(iso) {
    return iso.substring(11, 16);
  }

  function draw(canvas) {
    var old = Chart.getChart(canvas);
    if (old) old.destroy();
    var minutes = JSON.parse(canvas.getAttribute("data-minutes"));
    var kind = canvas.getAttribute("data-kind");
    var labels = minutes.map(function (m) { return label(m.minute); });
    var datasets = kind === "latency"
      ? [
          { label: "average ms", data: minutes.map(function (m) { return m.avgMs; }), borderColor: "#2f5bea", backgroundColor: "#2f5bea" },
          { label: "p95 ms", data: minutes.map(function (m) { return m.p95Ms; }), borderColor: "#c4302b", backgroundColor: "#c4302b" }
        ]
      : [
          { label: "prepared", data: minutes.map(function (m) { return m.prepared; }), borderColor: "#9a6700", backgroundColor: "#9a6700" },
          { label: "confirmed", data: minutes.map(function (m) { return m.confirmed; }), borderColor: "#2f5bea", backgroundColor: "#2f5bea" },
          { label: "acked", data: minutes.map(function (m) { return m.acked; }), borderColor: "#1f8a4c", backgroundColor: "#1f8a4c" }
        ];
    var latency = kind === "latency";
    datasets.forEach(function (d) {
      if (latency) { d.borderWidth = 2; d.pointRadius = 2.5; d.tension = 0.25; d.spanGaps = true; }
      else { d.borderWidth = 0; d.barPercentage = 0.9; d.categoryPercentage = 0.9; }
    });
    new Chart(canvas, {
      type: latency ? "line" : "bar",
      data: { labels: labels, datasets: datasets },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        plugins: { legend: { position: "bottom", labels: { boxWidth: 10 } } },
        scales: { x: { ticks: { maxTicksLimit: 7 }, grid: { display: false } }, y: { beginAtZero: true } }
      }
    });
  }

  function init(root) {
    if (typeof Chart === "undefined") return;
    root.querySelectorAll("canvas[data-minutes]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
    if (window.htmx) htmx.onLoad(function (el) { if (el !== document.body) init(el); });
  });
})();
