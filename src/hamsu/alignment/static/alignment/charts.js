// Charts of the alignment diagnostic (ECharts, SVG renderer so they print sharply).
// Data comes from <script type="application/json"> blocks written by json_script.
(function () {
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  var rtl = document.documentElement.dir === "rtl";
  var font = rtl ? "Vazirmatn, Tahoma, sans-serif" : undefined;
  var charts = [];

  function make(id) {
    var node = document.getElementById(id);
    if (!node || typeof echarts === "undefined") { return null; }
    var chart = echarts.init(node, null, { renderer: "svg" });
    charts.push(chart);
    return chart;
  }

  function trend(t) {
    var chart = make("trend-chart");
    if (!chart || !t || !t.labels.length) { return; }
    var names = t.series_names;
    chart.setOption({
      textStyle: { fontFamily: font },
      tooltip: { renderMode: "richText", trigger: "axis" },
      legend: { data: [names.total, names.sales, names.marketing], top: 0, align: rtl ? "right" : "auto" },
      grid: { left: 40, right: 40, bottom: 30, top: 36 },
      xAxis: { type: "category", data: t.labels, inverse: rtl },
      yAxis: { type: "value", min: 20, max: 100, position: rtl ? "right" : "left",
        splitLine: { show: true } },
      series: [
        { name: names.total, type: "line", data: t.totals, symbolSize: 8,
          markArea: { silent: true, itemStyle: { opacity: 0.06 },
            data: [[{ yAxis: 20 }, { yAxis: 40 }], [{ yAxis: 60 }, { yAxis: 80 }]] } },
        { name: names.sales, type: "line", data: t.sales, lineStyle: { type: "dashed" } },
        { name: names.marketing, type: "line", data: t.marketing, lineStyle: { type: "dashed" } }
      ]
    });
  }

  function results(c) {
    if (!c || !c.statements) { return; }
    var bars = make("function-chart");
    if (bars) {
      bars.setOption({
        textStyle: { fontFamily: font },
        tooltip: { renderMode: "richText" },
        grid: { left: 40, right: 40, bottom: 30, top: 20 },
        xAxis: { type: "category", data: c.by_function.map(function (d) { return d.name; }), inverse: rtl },
        yAxis: { type: "value", min: 20, max: 100, position: rtl ? "right" : "left" },
        series: [{ type: "bar", data: c.by_function.map(function (d) { return d.value; }),
          label: { show: true, position: "top" } }]
      });
    }
    var heat = make("heat-chart");
    if (heat) {
      heat.setOption({
        textStyle: { fontFamily: font },
        tooltip: { renderMode: "richText", position: "top", formatter: function (p) {
          var v = p.value[2];
          return c.statements[p.value[1]] + "\n" + c.functions[p.value[0]] + ": " + (v === null ? "—" : v);
        } },
        grid: { left: rtl ? 20 : 200, right: rtl ? 200 : 20, top: 30, bottom: 60 },
        xAxis: { type: "category", data: c.functions, position: "top", inverse: rtl, splitArea: { show: true } },
        yAxis: { type: "category", data: c.statements, inverse: true, position: rtl ? "right" : "left",
          axisLabel: { width: 180, overflow: "truncate" } },
        visualMap: { min: 1, max: 5, calculable: true, orient: "horizontal", left: "center", bottom: 0,
          inRange: { color: ["#d73027", "#fee08b", "#1a9850"] } },
        series: [{ type: "heatmap", data: c.heat.filter(function (d) { return d[2] !== null; }),
          label: { show: true, formatter: function (p) { return p.value[2].toFixed(1); } } }]
      });
    }
    var gaps = make("gap-chart");
    if (gaps && c.gaps.some(function (g) { return g !== null; })) {
      gaps.setOption({
        textStyle: { fontFamily: font },
        tooltip: { renderMode: "richText" },
        grid: { left: rtl ? 20 : 200, right: rtl ? 200 : 20, top: 10, bottom: 30 },
        xAxis: { type: "value", min: -4, max: 4, inverse: rtl },
        yAxis: { type: "category", data: c.statements, inverse: true, position: rtl ? "right" : "left",
          axisLabel: { width: 180, overflow: "truncate" } },
        series: [{ type: "bar", data: c.gaps.map(function (g, i) {
          return { value: g, itemStyle: { color: c.flags[i] ? "#d73027" : "#8da0cb" } };
        }) }]
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    trend(data("trend-data"));
    results(data("chart-data"));
    window.addEventListener("resize", function () { charts.forEach(function (ch) { ch.resize(); }); });
    window.addEventListener("beforeprint", function () { charts.forEach(function (ch) { ch.resize(); }); });
  });
})();
