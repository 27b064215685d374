/* The theme chosen with the navbar's Dark switch, applied before the first paint: on the pages
   Dash does not render (sign-in, sign-out, errors), which load this file in their <head>
   (dashboard/templates/base.html), and early on Dash's own pages, which load every script of
   assets/. The switch keeps its value through Dash's persistence, in localStorage under this
   key, as [value, original value]. A file of this origin and not an inline script: the
   Content-Security-Policy runs scripts from 'self' only. */
(function () {
  var key = "_dash_persistence.theme-switch.value.true";
  try {
    var stored = JSON.parse(window.localStorage.getItem(key) || "null");
    if (Array.isArray(stored) && stored[0] === true) {
      document.documentElement.setAttribute("data-bs-theme", "dark");
    }
  } catch (error) {
    // Storage refused (a privacy setting) or not JSON: the light default stays.
  }
})();
