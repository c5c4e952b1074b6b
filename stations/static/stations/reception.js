// Add one more matter to the reception form (Django formset, prefix "matters").
(function () {
  var button = document.getElementById("add-matter");
  var template = document.getElementById("matter-template");
  var total = document.getElementById("id_matters-TOTAL_FORMS");
  var box = document.getElementById("matters");
  if (!button || !template || !total || !box) { return; }
  button.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    box.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    var fields = box.querySelectorAll("fieldset.matter");
    var last = fields[fields.length - 1].querySelector("textarea");
    if (last) { last.focus(); }
  });
})();
