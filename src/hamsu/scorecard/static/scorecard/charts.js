// Scorecard charts (ECharts). Each chart element names its data (a json_script id) and kind.
(function () {
  "use strict";
  function data(id) { var el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; }
  var rtl = document.documentElement.dir === "rtl";
  var builders = {
    number: function (d, labels) {
      return {
        tooltip: { renderMode: "richText", trigger: "axis" }, legend: { data: [labels.actual, labels.target, labels.forecast] },
        grid: { containLabel: true, left: 8, right: 8 },
        xAxis: { type: "category", data: d.periods, inverse: rtl }, yAxis: { type: "value", position: rtl ? "right" : "left" },
        series: [
          { name: labels.actual, type: "bar", data: d.actual },
          { name: labels.target, type: "line", data: d.target, step: "middle" },
          { name: labels.forecast, type: "line", data: d.forecast, lineStyle: { type: "dashed" } }
        ]
      };
    },
    history: function (d) {
      var names = Object.keys(d.series);
      return {
        tooltip: { renderMode: "richText", trigger: "axis" }, legend: { data: names, type: "scroll" }, grid: { containLabel: true, left: 8, right: 8 },
        xAxis: { type: "category", data: d.dates, inverse: rtl }, yAxis: { type: "value", position: rtl ? "right" : "left" },
        series: names.map(function (n) { return { name: n, type: "line", data: d.series[n], connectNulls: true }; })
      };
    },
    funnel: function (d) {
      return { tooltip: { renderMode: "richText", trigger: "item" }, series: [{ type: "funnel", sort: "none", left: "10%", width: "80%", label: { show: true, position: "inside", formatter: "{b}: {c}" }, data: d }] };
    },
    lines: function (d) {
      var names = Object.keys(d.series);
      return {
        tooltip: { renderMode: "richText", trigger: "axis" }, legend: { data: names, type: "scroll" }, grid: { containLabel: true, left: 8, right: 8 },
        xAxis: { type: "category", data: d.x, inverse: rtl }, yAxis: { type: "value", position: rtl ? "right" : "left" },
        series: names.map(function (n) { return { name: n, type: "line", data: d.series[n], connectNulls: true }; })
      };
    }
  };
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    if (typeof echarts === "undefined") { return; }
    var d = data(el.dataset.source), labels = el.dataset.labels ? JSON.parse(el.dataset.labels) : {};
    if (!d) { return; }
    var chart = echarts.init(el);
    chart.setOption(builders[el.dataset.chart](d, labels));
    if (el.dataset.drill) {
      // Clicking a funnel stage opens the deals behind it.
      chart.on("click", function (p) { if (p.data && p.data.stage) { window.location = el.dataset.drill + "&stage=" + encodeURIComponent(p.data.stage); } });
    }
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
