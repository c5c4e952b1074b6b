// The reception form's helpers; the server checks everything again.
// - "Add a matter" adds a Django formset form (prefix "matters") and numbers every matter;
// - a forwarded matter (转交办理) hides the on-the-spot answer and shows the issue category;
// - another station reloads the list of its deputies (the page itself, with ?station=).
(function () {
  var form = document.getElementById("reception-form");
  var box = document.getElementById("matters");
  if (!form || !box) { return; }

  function fieldOf(matter, name) {
    var input = matter.querySelector('[name$="-' + name + '"]');
    return input ? input.closest(".field") : null;
  }

  function showOutcome(matter) {
    var checked = matter.querySelector('input[type="radio"][name$="-outcome"]:checked');
    var forwarded = Boolean(checked) && checked.value === "forwarded";
    var answer = fieldOf(matter, "answer");
    var category = fieldOf(matter, "category");
    if (answer) { answer.hidden = forwarded; }
    if (category) { category.hidden = !forwarded; }
  }

  function renumber() {
    var pattern = box.getAttribute("data-legend") || "";
    var matters = box.querySelectorAll("fieldset.matter");
    for (var i = 0; i < matters.length; i++) {
      var legend = matters[i].querySelector(":scope > legend");
      if (legend && pattern) { legend.textContent = pattern.replace("{n}", String(i + 1)); }
      showOutcome(matters[i]);
    }
  }

  box.addEventListener("change", function (event) {
    var target = event.target;
    if (target.name && /-outcome$/.test(target.name)) {
      showOutcome(target.closest("fieldset.matter"));
    }
  });

  var button = document.getElementById("add-matter");
  var template = document.getElementById("matter-template");
  var total = document.getElementById("id_matters-TOTAL_FORMS");
  if (button && template && total) {
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      box.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
      total.value = String(index + 1);
      renumber();
      var matters = box.querySelectorAll("fieldset.matter");
      var first = matters[matters.length - 1].querySelector("textarea");
      if (first) { first.focus(); }
    });
  }
  renumber();

  var url = form.getAttribute("data-station-url");
  var station = form.querySelector('select[name="station"]');
  var slot = document.getElementById("deputies-slot");
  if (!url || !station || !slot || !window.fetch || !window.DOMParser) { return; }
  var asked = 0;
  station.addEventListener("change", function () {
    var mine = ++asked;
    fetch(url + "?station=" + encodeURIComponent(station.value), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null || mine !== asked) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("deputies-slot");
        if (!fresh) { return; }
        var ticked = {};
        var before = slot.querySelectorAll("input:checked");
        for (var i = 0; i < before.length; i++) { ticked[before[i].value] = true; }
        slot.innerHTML = fresh.innerHTML;
        var after = slot.querySelectorAll('input[type="checkbox"]');
        for (var j = 0; j < after.length; j++) {
          if (ticked[after[j].value]) { after[j].checked = true; }
        }
        slot.setAttribute("data-station", station.value);
      })
      .catch(function () { /* the server still checks who was present */ });
  });
})();
