/* Functions that dash-ag-grid may call by name from a grid's props (it looks them up here, in
   window.dashAgGridFunctions, and never evaluates code, so the Content-Security-Policy holds). */
(function () {
  "use strict";
  const functions = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});

  /* The transactions grid's cellKeyDown listener: Enter on a focused cell opens that row for
     editing, as a click on it does, so the grid works from the keyboard alone. */
  functions.openRowOnEnter = function (params, setEventData) {
    const key = params.event && params.event.key;
    if (key !== "Enter" || !params.node || params.node.id == null) {
      return;
    }
    params.event.preventDefault();
    setEventData({
      rowId: params.node.id,
      rowIndex: params.rowIndex,
      colId: params.column ? params.column.getColId() : null,
    });
  };
})();
