// Draws the link graph with Cytoscape.js from the JSON the page carries (no inline script: the CSP forbids it).
// Nodes are coloured by kind; edges are labelled with their relation and date. A tap on a node opens its record.
(function () {
  "use strict";
  const COLOURS = {child: "#1d70b8", adult: "#505a5f", subject: "#a4001d", address: "#00703c", phone: "#6f4fa0",
                   vehicle: "#b5440b"};
  function draw() {
    const box = document.getElementById("link-graph");
    const data = document.getElementById("graph-data");
    if (!box || !data || typeof cytoscape === "undefined") { return; }
    const elements = JSON.parse(data.textContent);
    const cy = cytoscape({
      container: box,
      elements: elements,
      wheelSensitivity: 0.3,
      style: [
        {selector: "node", style: {"background-color": (n) => COLOURS[n.data("kind")] || "#505a5f",
          "label": "data(label)", "font-size": 10, "text-wrap": "wrap", "text-max-width": 140, "color": "#0b0c0c",
          "text-valign": "bottom", "text-margin-y": 4, "width": 22, "height": 22}},
        {selector: "node[kind = 'child']", style: {"shape": "ellipse", "width": 30, "height": 30}},
        {selector: "node[kind = 'subject']", style: {"shape": "diamond", "width": 32, "height": 32}},
        {selector: "node[kind = 'address']", style: {"shape": "round-rectangle"}},
        {selector: "node[kind = 'phone'], node[kind = 'vehicle']", style: {"shape": "triangle"}},
        {selector: "edge", style: {"width": 1.5, "line-color": "#929191", "curve-style": "bezier", "label": "data(label)",
          "font-size": 8, "text-rotation": "autorotate", "text-background-color": "#fff",
          "text-background-opacity": 0.85, "text-background-padding": 1}},
        {selector: "edge[relation ^= 'notified address']", style: {"line-color": "#a4001d", "width": 2.5}},
        {selector: "edge[relation = 'found with'], edge[relation = 'found at']", style: {"line-color": "#1d70b8", "width": 2}},
        {selector: "edge[relation = 'same person']", style: {"line-style": "dashed", "line-color": "#0b0c0c"}},
      ],
      layout: {name: "cose", animate: false, padding: 30, nodeRepulsion: 12000, idealEdgeLength: 150, nodeOverlap: 40},
    });
    cy.on("tap", "node", (evt) => {
      const href = evt.target.data("href");
      if (href) { window.location.assign(href); }
    });
    box.dataset.drawn = String(cy.nodes().length);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
