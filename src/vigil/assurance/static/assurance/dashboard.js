// Draws the assurance trend from the figures the server embedded with json_script (no inline script: CSP).
document.addEventListener("DOMContentLoaded", () => {
  const data = JSON.parse(document.getElementById("trend-data").textContent);
  const palette = ["#1d3557", "#a4001d", "#00703c", "#b5440b", "#4c2c92", "#505a5f", "#7a5b00", "#1d70b8"];
  new Chart(document.getElementById("trend-chart"), {
    type: "line",
    data: {
      labels: data.labels,
      datasets: data.series.map((s, i) => ({label: s.label, data: s.data, borderColor: palette[i % palette.length],
        backgroundColor: palette[i % palette.length], tension: 0.2, pointRadius: 3})),
    },
    options: {responsive: true, maintainAspectRatio: false, animation: false,
      scales: {y: {beginAtZero: true, ticks: {precision: 0}}},
      plugins: {legend: {position: "bottom", labels: {boxWidth: 12}}}},
  });
});
