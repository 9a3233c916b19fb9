// Attribution models side by side: one group of bars per channel or campaign, one bar
// per model (ECharts, SVG renderer). Data comes from the json_script block.
(function () {
  var node = document.getElementById("attribution-chart");
  var source = document.getElementById("attribution-data");
  if (!node || !source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var rtl = document.documentElement.dir === "rtl";
  var chart = echarts.init(node, null, { renderer: "svg" });
  chart.setOption({
    textStyle: { fontFamily: rtl ? "Vazirmatn, Tahoma, sans-serif" : undefined },
    tooltip: { renderMode: "richText", trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { type: "scroll", top: 0 },
    grid: { left: rtl ? 20 : 160, right: rtl ? 160 : 20, top: 40, bottom: 30, containLabel: false },
    xAxis: { type: "value", inverse: rtl },
    yAxis: { type: "category", data: data.keys, inverse: true, position: rtl ? "right" : "left",
             axisLabel: { width: 150, overflow: "truncate" } },
    series: data.series.map(function (s) { return { name: s.name, type: "bar", data: s.data }; })
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
