// The phone ballot: show how many projects are marked yes against the seats.
(function () {
  "use strict";
  var form = document.getElementById("ballot-form");
  var line = document.getElementById("yes-count");
  if (!form || !line) { return; }
  var seats = parseInt(line.getAttribute("data-seats"), 10);
  function update() {
    var yes = form.querySelectorAll("input[type=radio][value=yes]:checked").length;
    line.textContent = line.getAttribute("data-label") + " " + yes + " / " + seats;
    line.className = yes > seats ? "errors" : "muted";
  }
  form.addEventListener("change", update);
  update();
})();
