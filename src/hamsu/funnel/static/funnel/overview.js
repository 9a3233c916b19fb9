// The funnel overview's lifecycle chart (funnel/overview.html), drawn from its json_script data.
(function () {
  var el = document.getElementById("lifecycle-chart");
  if (!window.echarts || !el) { return; }
  var data = JSON.parse(document.getElementById("lifecycle-data").textContent);
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: {trigger: "item", renderMode: "richText"},
    series: [{type: "funnel", sort: "none", left: "5%", width: "90%", label: {position: "inside"}, data: data}]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
