// The side menu stays open on wide screens and folds into a "菜单" button on phones.
(function () {
  var menu = document.getElementById("side-menu");
  if (!menu) return;
  var wide = window.matchMedia("(min-width: 900px)");
  function fit() { menu.open = wide.matches; }
  fit();
  wide.addEventListener("change", fit);
})();
