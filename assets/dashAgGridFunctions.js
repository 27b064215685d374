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

  /* The import review's Decision cell: what a line of that status can become. A new line is
     imported or left out; a probable match can also become the person's own entry. */
  const DECISIONS = {
    new: ["import", "skip"],
    probable: ["skip", "link", "import"],
  };
  /* The review's Status column: a line's fate (data.kind) as a person reads it. */
  const FATES = {
    new: "New",
    duplicate_ref: "Duplicate (bank reference)",
    duplicate_fingerprint: "Duplicate (imported before)",
    probable: "Probably your entry",
    error: "Error",
    skipped: "Skipped",
  };
  functions.importFateLabel = function (params) {
    return FATES[params.value] || params.value || "";
  };

  functions.importDecisionEditable = function (params) {
    return Boolean(params.data && DECISIONS[params.data.kind]);
  };
  functions.importDecisionChoices = function (params) {
    const kind = params.data ? params.data.kind : null;
    return { values: DECISIONS[kind] || [] };
  };

  /* The review's row id: the line number, as the text AG Grid requires (a number makes it
     warn in the console for every row). */
  functions.importRowId = function (params) {
    return String(params.data.n);
  };

  /* The review's Suggested column: the model's likeliest category and how sure it is; a
     guess under half is marked (LOW), so it can be sorted and checked before it is accepted. */
  const LOW = 50;
  functions.importSuggestion = function (params) {
    const data = params.data || {};
    return data.sugg ? data.sugg + " · " + data.sp + " %" : "";
  };
  functions.importSuggestionClass = function (params) {
    const data = params.data || {};
    return data.sugg && data.sp < LOW ? "import-suggestion-low" : "";
  };
  functions.importSuggestionTip = function (params) {
    const data = params.data || {};
    if (!data.sugg) {
      return "";
    }
    return data.sp < LOW ? "A weak guess: check it before you accept it." : "Tick Accept to use it.";
  };
  functions.importAcceptEditable = function (params) {
    return Boolean(params.data && params.data.sugg);
  };

  /* The review's Amount column sorts by the exact minor units, not by the formatted text. */
  functions.importAmountOrder = function (valueA, valueB, nodeA, nodeB) {
    const a = nodeA && nodeA.data ? nodeA.data.minor : 0;
    const b = nodeB && nodeB.data ? nodeB.data.minor : 0;
    return (a || 0) - (b || 0);
  };
})();
