/* The calendar button beside a date field (dashboard/date_input.py) opens the browser's own
   date picker and writes the chosen day into the text field as YYYY-MM-DD, through Dash's
   set_props so callbacks and persistence see it as if it was typed. The text field stays the
   one value sent: the server parses it and refuses what is not a date. One hidden native
   picker serves every field; it is created on first use, outside Dash's layout. */
(function () {
  const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
  let picker = null;
  let targetId = null;

  function nativePicker() {
    if (picker) {
      return picker;
    }
    picker = document.createElement("input");
    picker.type = "date";
    picker.min = "1970-01-01";
    picker.tabIndex = -1;
    picker.className = "date-input-native";
    picker.setAttribute("aria-hidden", "true");
    picker.setAttribute("aria-label", "Calendar");
    picker.addEventListener("change", function () {
      const setProps = window.dash_clientside && window.dash_clientside.set_props;
      if (targetId && picker.value && setProps) {
        setProps(targetId, { value: picker.value });
      }
    });
    document.body.appendChild(picker);
    return picker;
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest && event.target.closest("[data-date-input]");
    const field = button && document.getElementById(button.getAttribute("data-date-input"));
    if (!field) {
      return;
    }
    const native = nativePicker();
    const where = field.getBoundingClientRect();
    native.style.left = where.left + window.scrollX + "px";
    native.style.top = where.bottom + window.scrollY + "px";
    const typed = field.value.trim();
    native.value = ISO_DAY.test(typed) ? typed : "";
    targetId = field.id;
    try {
      native.showPicker();
    } catch (error) {
      // No showPicker (older browsers) or not allowed now: the text field still takes a date.
      field.focus();
    }
  });
})();
