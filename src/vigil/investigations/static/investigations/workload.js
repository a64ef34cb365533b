// The workload distribution chart: officers by number of open crimes, over-capacity officers in red.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("workload-data");
  const canvas = document.getElementById("workload-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  canvas.dataset.ready = "1";
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: "Within capacity", data: data.within, backgroundColor: "#1d70b8", stack: "officers" },
        { label: "Over capacity or above " + data.cap + " crimes", data: data.over, backgroundColor: "#a4001d", stack: "officers" },
      ],
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      scales: {
        x: { stacked: true, title: { display: true, text: "Open crimes held" } },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "Officers" } },
      },
    },
  });
});
