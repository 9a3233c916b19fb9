// The lead definition's rule builder (funnel/_rule_builder.html). The form works without
// this script: choosing a field then pressing "Preview" brings the row back with the
// operators and the value input that suit it. With it, the row changes at once.
(function () {
  "use strict";
  var form = document.querySelector("[data-rule-builder]");
  var data = document.getElementById("rule-catalogue");
  if (!form || !data) { return; }
  var catalogue = JSON.parse(data.textContent);
  var fields = catalogue.fields;
  var texts = catalogue.texts;
  var LISTS = ["in", "not_in"];
  var NO_VALUE = ["present", "missing"];
  var persian = (document.documentElement.lang || "").indexOf("fa") === 0;

  function digits(text) {
    text = String(text);
    return persian ? text.replace(/[0-9]/g, function (d) { return "۰۱۲۳۴۵۶۷۸۹".charAt(+d); }) : text;
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function currentValues(cell) {
    var input = cell.querySelector("[data-part=value]");
    if (!input) { return []; }
    if (input.tagName === "SELECT") {
      return Array.prototype.filter.call(input.options, function (o) { return o.selected && o.value; })
        .map(function (o) { return o.value; });
    }
    return input.value ? [input.value] : [];
  }

  function labelled(cell, index, part, text, input) {
    var id = "r-" + index + "-" + part;
    input.id = id;
    input.name = id;
    cell.appendChild(el("label", {"class": part === "value" ? "visually-hidden" : "form-label small mb-0", "for": id}, text));
    cell.appendChild(input);
    return input;
  }

  function valueCell(row, index, spec, op) {
    var cell = row.querySelector("[data-part=value-cell]");
    var kept = currentValues(cell);
    var kind = cell.querySelector("[name$='-kind']");
    var days = cell.querySelector("[name$='-days']");
    var touches = {kind: kind ? kind.value : "", days: days ? days.value : ""};
    cell.textContent = "";
    if (!spec) { spec = {type: "text", choices: null}; }
    if (NO_VALUE.indexOf(op) < 0) {
      var label = texts.value.replace("{n}", digits(index + 1));
      var input;
      if (spec.choices && op !== "contains") {
        input = el("select", {"class": "form-select form-select-sm", "data-part": "value"});
        if (LISTS.indexOf(op) >= 0) {
          input.multiple = true;
          input.size = 4;
        } else {
          input.appendChild(el("option", {value: ""}, texts.choose));
        }
        spec.choices.forEach(function (choice) {
          var option = el("option", {value: choice[0]}, choice[1]);
          option.selected = kept.indexOf(choice[0]) >= 0;
          input.appendChild(option);
        });
      } else {
        input = el("input", {"class": "form-control form-control-sm", type: "text", dir: "auto", "data-part": "value"});
        input.value = kept.join(", ");
        if (spec.type !== "text") { input.setAttribute("inputmode", "decimal"); }
      }
      labelled(cell, index, "value", label, input);
      if (input.tagName === "INPUT" && LISTS.indexOf(op) >= 0) {
        var help = el("div", {"class": "form-text", id: "r-" + index + "-value-help"}, texts.several);
        input.setAttribute("aria-describedby", help.id);
        cell.appendChild(help);
      }
    }
    if (spec.type === "touches") {
      var pair = el("div", {"class": "row g-2 mt-0"});
      [["kind", texts.kind, touches.kind], ["days", texts.days, touches.days]].forEach(function (part) {
        var col = el("div", {"class": "col-6"});
        var input = el("input", {"class": "form-control form-control-sm", type: "text", dir: "auto"});
        input.value = part[2];
        if (part[0] === "days") { input.setAttribute("inputmode", "numeric"); }
        labelled(col, index, part[0], part[1], input);
        pair.appendChild(col);
      });
      cell.appendChild(pair);
    }
  }

  function fitOperators(row, spec) {
    var select = row.querySelector("[data-part=op]");
    var current = select.value;
    var operators = spec ? spec.operators : [];
    if (!operators.length) { return current; }
    var allowed = operators.map(function (o) { return o[0]; });
    select.textContent = "";
    operators.forEach(function (o) { select.appendChild(el("option", {value: o[0]}, o[1])); });
    select.value = allowed.indexOf(current) >= 0 ? current : allowed[0];
    return select.value;
  }

  form.addEventListener("change", function (event) {
    var target = event.target;
    var part = target.getAttribute("data-part");
    if (part !== "field" && part !== "op") { return; }
    var row = target.closest("[data-row]");
    var index = +row.getAttribute("data-row");
    var spec = fields[row.querySelector("[data-part=field]").value];
    var op = part === "field" ? fitOperators(row, spec) : target.value;
    // The errors shown were about what was posted, not about the row as it is now.
    row.querySelectorAll(".invalid-feedback").forEach(function (n) { n.remove(); });
    row.querySelectorAll(".is-invalid").forEach(function (n) {
      n.classList.remove("is-invalid");
      n.removeAttribute("aria-describedby");
    });
    valueCell(row, index, spec, op);
  });
})();
