// The dashboard's charts (supervision/dashboard.html): Apache ECharts (vendored) over the data the page carries in
// #chart-data — the same numbers as the table under each chart, which is what screen readers and phones read.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("chart-data");
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var L = data.labels;
    var specs = {
      trend: {
        tooltip: { trigger: "axis" }, legend: { data: [L.received, L.completed] },
        xAxis: { type: "category", data: data.trend.map(function (d) { return d.period; }) },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: L.received, type: "line", data: data.trend.map(function (d) { return d.received; }) },
          { name: L.completed, type: "line", data: data.trend.map(function (d) { return d.completed; }) }
        ]
      },
      clocks: {
        tooltip: { trigger: "axis" }, legend: { data: [L.on_time, L.late] },
        xAxis: { type: "category", data: data.clocks.map(function (d) { return d.name; }) },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: L.on_time, type: "bar", stack: "c", color: "#2e7d32", data: data.clocks.map(function (d) { return d.on_time; }) },
          { name: L.late, type: "bar", stack: "c", color: "#c62828", data: data.clocks.map(function (d) { return d.late; }) }
        ]
      },
      departments: {
        tooltip: { trigger: "axis" }, legend: { data: [L.received, L.completed, L.overdue] }, grid: { left: 120 },
        yAxis: { type: "category", data: data.departments.map(function (d) { return d.name; }) },
        xAxis: { type: "value", minInterval: 1 },
        series: [
          { name: L.received, type: "bar", data: data.departments.map(function (d) { return d.received; }) },
          { name: L.completed, type: "bar", data: data.departments.map(function (d) { return d.completed; }) },
          { name: L.overdue, type: "bar", color: "#c62828", data: data.departments.map(function (d) { return d.overdue; }) }
        ]
      },
      one_things: {
        tooltip: { trigger: "axis" }, legend: { data: [L.received, L.completed] }, grid: { left: 120 },
        yAxis: { type: "category", data: data.one_things.map(function (d) { return d.name; }) },
        xAxis: { type: "value", minInterval: 1 },
        series: [
          { name: L.received, type: "bar", data: data.one_things.map(function (d) { return d.received; }) },
          { name: L.completed, type: "bar", data: data.one_things.map(function (d) { return d.completed; }) }
        ]
      }
    };
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var spec = specs[el.getAttribute("data-chart")];
      if (!spec) { return; }
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(spec);
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
