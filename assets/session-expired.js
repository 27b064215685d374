/* When the session ends (idle or absolute timeout, logout elsewhere, password change), Dash's
   callbacks answer 401 and the page would just stop updating. Send the person to the login
   page instead, coming back to where they were. */
(function () {
  const originalFetch = window.fetch;
  let redirecting = false;
  window.fetch = function () {
    return originalFetch.apply(this, arguments).then(function (response) {
      if (response.status === 401 && !redirecting && response.url.indexOf("/_dash-") !== -1) {
        redirecting = true;
        const next = window.location.pathname + window.location.search;
        window.location.assign("/login?next=" + encodeURIComponent(next));
      }
      return response;
    });
  };
})();
