// The hall's projector: poll the small JSON endpoint every 2 seconds and update the
// figures and rows; stop when the vote has closed and the final result is shown.
(function () {
  "use strict";
  var root = document.getElementById("projector");
  if (!root) { return; }
  var url = root.getAttribute("data-url");
  var note = document.getElementById("live-note");
  var stateLine = document.getElementById("live-state");
  var names = ["entitled", "present", "issued", "returned", "valid", "invalid"];
  function text(node, value) { if (node) { node.textContent = value === undefined || value === null ? "" : String(value); } }
  function render(data) {
    names.forEach(function (name) { text(document.getElementById("f-" + name), data.figures[name]); });
    text(stateLine, stateLine.getAttribute("data-" + data.state));
    root.setAttribute("data-state", data.state);
    var body = document.getElementById("live-rows");
    var rows = document.createDocumentFragment();
    data.candidates.forEach(function (c) {
      var tr = document.createElement("tr");
      tr.setAttribute("data-id", c.id);
      if (c.status) { tr.className = "status-" + c.status; }
      [c.number + ". " + c.title, c.yes, c.no, c.abstain,
       c.status_label || ""].forEach(function (value, i) {
        var td = document.createElement("td");
        td.className = ["title", "yes", "no", "abstain", "status"][i];
        text(td, value);
        tr.appendChild(td);
      });
      rows.appendChild(tr);
    });
    body.innerHTML = "";
    body.appendChild(rows);
    if (data.threshold) { text(note, note.getAttribute("data-threshold") + ": " + data.threshold); }
  }
  function poll() {
    var request = new XMLHttpRequest();
    request.open("GET", url, true);
    request.onload = function () {
      if (request.status === 200) {
        var data = JSON.parse(request.responseText);
        render(data);
        if (data.state === "closed") { return; }
      }
      window.setTimeout(poll, 2000);
    };
    request.onerror = function () { window.setTimeout(poll, 4000); };
    request.send();
  }
  if (root.getAttribute("data-state") !== "closed") { window.setTimeout(poll, 2000); }
})();
