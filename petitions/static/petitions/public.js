/* The issue form (petitions/public.py): cascading county → township → village selects fed by
   /petitions/regions/<id>/children/, a fresh check code on request, and one submission per
   click. Without this script the form still works: townships are listed grouped by county. */
(function () {
  "use strict";
  var form = document.querySelector("[data-petition-form]");
  if (!form || !window.fetch || !window.JSON) { return; }

  var county = form.querySelector("[name=county]");
  var township = form.querySelector("[name=township]");
  var village = form.querySelector("[name=village]");
  var childrenUrl = form.getAttribute("data-children-url");

  function wrapper(select) { return select && select.closest(".field"); }

  function children(id) {
    return fetch(childrenUrl.replace("/0/", "/" + encodeURIComponent(id) + "/"), {
      headers: { "Accept": "application/json" }, credentials: "same-origin"
    }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    }).then(function (data) { return data.children || []; });
  }

  function fill(select, items, keep) {
    var first = select.options.length ? select.options[0].cloneNode(true) : new Option("", "");
    while (select.firstChild) { select.removeChild(select.firstChild); }
    select.appendChild(first);
    items.forEach(function (item) {
      var option = new Option(item.name, String(item.id));
      if (String(item.id) === keep) { option.selected = true; }
      select.appendChild(option);
    });
  }

  function loadVillages(keep) {
    if (!village) { return; }
    var id = township.value;
    if (!id) { fill(village, [], ""); wrapper(village).hidden = true; return; }
    children(id).then(function (items) {
      fill(village, items, keep);
      wrapper(village).hidden = items.length === 0;
    }).catch(function () { wrapper(village).hidden = true; });
  }

  function loadTownships(keep) {
    var id = county.value;
    if (!id) { return; }  // keep the full grouped list
    children(id).then(function (items) {
      fill(township, items, keep);
      if (township.value !== keep) { loadVillages(""); }
    }).catch(function () { /* the grouped list stays usable */ });
  }

  if (county && township) {
    wrapper(county).hidden = false;
    county.addEventListener("change", function () {
      fill(village, [], "");
      wrapper(village).hidden = true;
      loadTownships("");
    });
    township.addEventListener("change", function () { loadVillages(""); });
    loadTownships(township.value);
  }

  var renew = form.querySelector("[data-captcha-renew]");
  var image = form.querySelector("[data-captcha-image]");
  var token = form.querySelector("[data-captcha-token]");
  if (renew && image && token) {
    renew.hidden = false;
    renew.addEventListener("click", function () {
      fetch(form.getAttribute("data-captcha-url") + "?new=1", { credentials: "same-origin" })
        .then(function (response) { return response.json(); })
        .then(function (data) { token.value = data.token; image.src = data.image; })
        .catch(function () {});
    });
  }

  // Say it before a slow upload that the server would refuse anyway.
  var photos = form.querySelector("[name=photos]");
  if (photos && photos.setCustomValidity) {
    photos.addEventListener("change", function () {
      var files = Array.prototype.slice.call(photos.files || []);
      var tooBig = files.some(function (file) { return file.size > 8 * 1024 * 1024; });
      photos.setCustomValidity(
        files.length > 3 || tooBig ? form.getAttribute("data-photo-limit") : ""
      );
    });
  }

  var submit = form.querySelector("[data-submit]");
  form.addEventListener("submit", function () {
    if (submit) { window.setTimeout(function () { submit.disabled = true; }, 0); }
  });
  window.addEventListener("pageshow", function () { if (submit) { submit.disabled = false; } });
})();
