// The subject's visits against the due dates each successful visit set (data from json_script; CSP: no inline JS).
document.addEventListener("DOMContentLoaded", () => {
  const el = document.getElementById("timeline-data");
  const canvas = document.getElementById("timeline-chart");
  if (!el || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(el.textContent);
  const day = (iso) => Date.parse(iso + "T00:00:00Z") / 86400000;
  const iso = (d) => new Date(d * 86400000).toISOString().slice(0, 10);
  const rows = {successful: 2, other: 1, failed: 0};
  const pts = (list, y) => list.map((v) => ({x: day(v.x), y, outcome: v.outcome, announced: v.announced}));
  const shade = {
    id: "paused",
    beforeDatasetsDraw(chart) {
      const {ctx, chartArea, scales} = chart;
      ctx.save();
      ctx.fillStyle = "rgba(80, 90, 95, 0.15)";
      for (const p of data.paused) {
        const a = scales.x.getPixelForValue(day(p.from)), b = scales.x.getPixelForValue(day(p.to));
        ctx.fillRect(a, chartArea.top, Math.max(2, b - a), chartArea.bottom - chartArea.top);
      }
      ctx.restore();
    },
  };
  const mk = (label, list, y, color) => ({label, data: pts(list, y), backgroundColor: color, borderColor: color,
    pointRadius: 6, pointStyle: "circle",
    pointBorderWidth: (c) => (c.raw && c.raw.announced ? 3 : 1),
    pointBorderColor: (c) => (c.raw && c.raw.announced ? "#0b0c0c" : color)});
  new Chart(canvas, {
    type: "scatter",
    data: {datasets: [
      mk("Seen at home", data.visits.successful, rows.successful, "#00703c"),
      mk("Other outcome", data.visits.other, rows.other, "#505a5f"),
      mk("Failed attempt", data.visits.failed, rows.failed, "#a4001d"),
      {label: "Due date", data: data.dues.map((d) => ({x: day(d.x), y: 2.5, from: d.from})), pointStyle: "triangle",
        pointRadius: 8, backgroundColor: "#1d3557", borderColor: "#1d3557"},
      {label: "As of", data: [{x: day(data.as_of), y: 0}, {x: day(data.as_of), y: 2.5}], showLine: true,
        borderColor: "#b5440b", borderDash: [6, 4], pointRadius: 0},
    ]},
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      scales: {
        x: {type: "linear", min: day(data.start) - 30, max: day(data.as_of) + 60,
            ticks: {callback: (v) => iso(v), maxTicksLimit: 8}},
        y: {min: -0.5, max: 3, ticks: {stepSize: 1, callback: (v) => ({0: "failed", 1: "other", 2: "seen"}[v] ?? "")}},
      },
      plugins: {
        legend: {position: "bottom", labels: {boxWidth: 12}},
        tooltip: {callbacks: {label: (c) => {
          const r = c.raw;
          if (r.from) return `due ${iso(r.x)} (after ${r.from})`;
          return `${iso(r.x)} ${r.outcome || ""}${r.announced ? " (announced)" : ""}`;
        }}},
      },
    },
    plugins: [shade],
  });
});
