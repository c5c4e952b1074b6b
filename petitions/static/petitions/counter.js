/* A live character count under each text field marked data-max-chars (the citizens' forms;
   see portal/formfields.py). The field has no maxlength attribute, so that a browser never
   cuts a pasted text silently: the count turns red past the limit and the server refuses the
   text with a message, keeping it. Without this script the forms work the same, uncounted.
   Characters are counted as the server counts them: code points, a line break as one. */
(function () {
  "use strict";
  var fields = document.querySelectorAll("[data-max-chars]");
  if (!fields.length || !Array.from) { return; }

  function words(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, name) {
      return name in values ? String(values[name]) : all;
    });
  }

  Array.prototype.forEach.call(fields, function (field) {
    var limit = parseInt(field.getAttribute("data-max-chars"), 10);
    if (!limit) { return; }
    var counter = document.createElement("p");
    counter.className = "char-counter muted";
    counter.id = (field.id || field.name) + "-counter";
    counter.setAttribute("aria-live", "polite");
    field.insertAdjacentElement("afterend", counter);
    var described = field.getAttribute("aria-describedby");
    field.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);

    function update() {
      var count = Array.from(field.value.replace(/\r\n?/g, "\n")).length;
      var over = count - limit;
      var template = field.getAttribute(over > 0 ? "data-counter-over" : "data-counter-text");
      counter.textContent = words(template || "{count} / {limit}",
                                  { count: count, limit: limit, over: over });
      counter.classList.toggle("char-counter-over", over > 0);
    }
    field.addEventListener("input", update);
    update();
  });
})();
