// Staff tables: select every row of the page, count the selection, and ask before acting on
// every matching row. The page works without it (the server checks everything).
(function () {
  var form = document.getElementById("table-form");
  if (!form) return;
  var all = document.getElementById("select-page");
  var boxes = function () { return form.querySelectorAll('input[name="pk"]'); };
  var counter = document.querySelector("#selected-count strong");
  var scope = document.getElementById("scope-all");
  function update() {
    var n = 0;
    boxes().forEach(function (b) { if (b.checked) n++; });
    if (counter) counter.textContent = scope && scope.checked ? scope.parentNode.textContent.trim() : n;
    if (all) all.checked = n > 0 && n === boxes().length;
  }
  if (all) all.addEventListener("change", function () {
    boxes().forEach(function (b) { b.checked = all.checked; });
    update();
  });
  form.addEventListener("change", update);
  form.addEventListener("submit", function (event) {
    if (scope && scope.checked && !window.confirm(scope.parentNode.textContent.trim() + "？")) {
      event.preventDefault();
    }
  });
  update();
})();
