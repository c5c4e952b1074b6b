/* The dashboard's charts (Apache ECharts, vendored): one per <div class="chart">, drawn from
   the JSON the page carries (#dashboard-charts) — the same numbers as each chart's table view.
   SVG rendering, so that charts print sharply. A bar or slice with a drill-down link opens it. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-charts");
  if (!source || typeof echarts === "undefined") { return; }
  var charts = JSON.parse(source.textContent);
  var number = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 1 });
  var drawn = [];

  function links(key) {
    var table = document.getElementById("table-" + key);
    if (!table) { return []; }
    return Array.prototype.map.call(table.querySelectorAll("tbody th"), function (th) {
      var a = th.querySelector("a");
      return a ? a.getAttribute("href") : "";
    });
  }

  function options(chart) {
    var unit = chart.unit === "%" ? "%" : "";
    var format = function (value) { return number.format(value) + unit; };
    var base = {
      animation: false,
      tooltip: { trigger: chart.kind === "pie" ? "item" : "axis", valueFormatter: format },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
    };
    if (chart.kind === "pie") {
      base.series = [{
        type: "pie", radius: ["35%", "65%"], top: 24,
        data: chart.categories.map(function (name, i) { return { name: name, value: chart.series[0].data[i] }; }),
        label: { formatter: "{b}：{c}（{d}%）" },
      }];
      return base;
    }
    var horizontal = chart.kind === "hbar";
    var category = { type: "category", data: chart.categories, axisLabel: { interval: 0, hideOverlap: true } };
    var value = { type: "value", axisLabel: { formatter: format } };
    base.xAxis = horizontal ? value : category;
    base.yAxis = horizontal ? Object.assign({}, category, { inverse: true }) : value;
    base.series = chart.series.map(function (serie) {
      return {
        name: serie.name, type: chart.kind === "line" ? "line" : "bar", data: serie.data,
        label: { show: horizontal, position: "right", formatter: function (p) { return format(p.value); } },
      };
    });
    return base;
  }

  charts.forEach(function (chart) {
    var element = document.getElementById("chart-" + chart.key);
    if (!element || !chart.categories.length) { return; }
    var instance = echarts.init(element, null, { renderer: "svg", locale: "ZH" });
    instance.setOption(options(chart));
    var targets = links(chart.key);
    if (targets.some(Boolean)) {
      instance.on("click", function (params) {
        var target = targets[params.dataIndex];
        if (target) { window.location.href = target; }
      });
    }
    drawn.push(instance);
  });

  function resize() { drawn.forEach(function (instance) { instance.resize(); }); }
  window.addEventListener("resize", resize);
  // Printed, every chart's table is open; afterwards each is as the reader left it.
  var closed = [];
  window.addEventListener("beforeprint", function () {
    closed = Array.prototype.filter.call(document.querySelectorAll("details.chart-table"),
      function (details) { return !details.open; });
    closed.forEach(function (details) { details.open = true; });
    resize();
  });
  window.addEventListener("afterprint", function () {
    closed.forEach(function (details) { details.open = false; });
    resize();
  });

  var print = document.getElementById("print-button");
  if (print) { print.addEventListener("click", function () { window.print(); }); }

  // The period form shows only the fields of the chosen kind of period.
  var kind = document.getElementById("id_period");
  function showFields() {
    document.querySelectorAll("#period-form [data-for]").forEach(function (span) {
      var on = span.getAttribute("data-for").split(" ").indexOf(kind.value) >= 0;
      span.hidden = !on;
      span.querySelectorAll("input, select").forEach(function (input) { input.disabled = !on; });
    });
  }
  if (kind) { kind.addEventListener("change", showFields); showFields(); }
})();
