/* Two of Dash 4's own widgets need a hand to be named and reached correctly by assistive
   technology (checked by axe-core in tests/e2e/test_accessibility.py):

   - dcc.Dropdown puts its Tab stop on a hidden <input aria-hidden="true"> that hands focus on
     to the real button (which has the role, the name and the keys). A focusable element that
     is hidden from screen readers is a stop they announce as nothing. Here the button itself
     is the Tab stop and the hidden input leaves the Tab order; the dropdown's keys (Enter,
     ArrowDown, typing to search) are handled on the button, so nothing else changes.
   - dcc.Upload's file <input> has no id, so the field's <label for> (which names the upload's
     outer element) does not reach it. The input is named by that label instead.

   Dash re-renders components at any time, so this follows the page with a MutationObserver. */
(function () {
  "use strict";

  function fixDropdowns(root) {
    root.querySelectorAll(".dash-dropdown-focus-target").forEach(function (proxy) {
      if (proxy.tabIndex !== -1) {
        proxy.tabIndex = -1;
      }
      const button = proxy.nextElementSibling;
      if (button && button.tagName === "BUTTON" && !button.disabled && button.tabIndex !== 0) {
        button.tabIndex = 0;
      }
    });
  }

  function fixUploads(root) {
    root.querySelectorAll("label[for]").forEach(function (label) {
      const target = document.getElementById(label.htmlFor);
      if (!target || target.matches("input, select, textarea, button")) {
        return;
      }
      const input = target.querySelector("input[type=file]");
      if (!input || input.hasAttribute("aria-labelledby")) {
        return;
      }
      if (!label.id) {
        label.id = label.htmlFor + "-label";
      }
      input.setAttribute("aria-labelledby", label.id);
    });
  }

  function fixAll() {
    fixDropdowns(document);
    fixUploads(document);
  }

  new MutationObserver(fixAll).observe(document.documentElement, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ["tabindex", "disabled"],
  });
  fixAll();
})();
