// Team dashboard charts (data from json_script; CSP: no inline JS).
document.addEventListener("DOMContentLoaded", () => {
  const el = document.getElementById("dashboard-data");
  if (!el || typeof Chart === "undefined") return;
  const d = JSON.parse(el.textContent);
  const common = {responsive: true, maintainAspectRatio: false, animation: false,
    plugins: {legend: {position: "bottom", labels: {boxWidth: 12}}}};
  new Chart(document.getElementById("backlog-chart"), {type: "bar", data: {labels: d.levels, datasets: [
    {label: "Visits overdue", data: d.overdue, backgroundColor: "#b5440b"},
    {label: "Critically overdue", data: d.critical, backgroundColor: "#a4001d"},
    {label: "Assessments overdue", data: d.reviews, backgroundColor: "#1d3557"},
  ]}, options: {...common, scales: {y: {beginAtZero: true, ticks: {precision: 0}}}}});
  new Chart(document.getElementById("share-chart"), {type: "bar", data: {labels: d.levels, datasets: [
    {label: "Announced share %", data: d.share, backgroundColor: "#4c2c92"},
    {label: "Policy limit %", data: d.limit, type: "line", borderColor: "#a4001d", backgroundColor: "#a4001d",
     pointRadius: 4},
  ]}, options: {...common, scales: {y: {beginAtZero: true, max: 100}}}});
  new Chart(document.getElementById("caseload-chart"), {type: "bar", data: {labels: d.managers, datasets: [
    {label: "Subjects", data: d.caseload, backgroundColor: "#1d3557"},
  ]}, options: {...common, indexAxis: "y", scales: {x: {beginAtZero: true, ticks: {precision: 0}}}}});
});
