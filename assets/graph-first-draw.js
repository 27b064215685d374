/* No plotly plot for a graph's placeholder. dcc.Graph draws its default figure ({data: [],
   layout: {}}: empty axes) the moment it mounts, then the callback's figure: on the overview
   that was seven plots of nothing (about 150 ms of the main thread, in the same task that shows
   the KPIs), each followed by an autosize relayout, before the charts' one answer arrives.

   A div plotly has never drawn is not drawn for that placeholder: dcc.Graph is told it was
   (a resolved promise), the listeners it binds after its first draw (click, hover, relayout)
   are kept here, and handed to plotly's own emitter when the first real figure is drawn. A
   figure with anything in it (a message of an empty period is an annotation) is drawn as ever.
   A resize of a drawn graph to the size it already has is no relayout: dcc.Graph's resize
   observer reports each graph's first size 50 ms late, by then the graph is often drawn at
   that size, and plotly would relayout every chart (its defaults, its axes) for nothing.

   Dash runs assets/ before plotly.js (dashboard/vendor/, defined as window.Plotly): the
   wrappers are put in place when plotly.js defines itself, before any graph mounts. */
(function () {
  "use strict";
  // Layout keys dcc.Graph itself may put into an empty figure (its responsive overrides).
  var SIZING = { autosize: true, width: true, height: true };

  function isPlaceholder(figure) {
    if (!figure || typeof figure !== "object" || (figure.data && figure.data.length)) {
      return false;
    }
    var layout = figure.layout || {};
    return Object.keys(layout).every(function (key) {
      return SIZING[key] === true;
    });
  }

  function waitForFigure(div) {
    if (div.__ftWaiting) {
      return;
    }
    var listeners = [];
    div.__ftWaiting = listeners;
    div.on = function (event, handler) {
      listeners.push([event, handler]);
    };
    div.removeAllListeners = function () {
      listeners.length = 0;
    };
  }

  function install(Plotly) {
    if (!Plotly || typeof Plotly.react !== "function" || Plotly.react.__ftFirstDraw) {
      return;
    }
    var react = Plotly.react;
    Plotly.react = function (gd, figure) {
      var div = typeof gd === "string" ? document.getElementById(gd) : gd;
      var undrawn = div instanceof HTMLElement && !div._fullLayout;
      if (undrawn && arguments.length === 2 && isPlaceholder(figure)) {
        waitForFigure(div);
        return Promise.resolve(div);
      }
      // Copied first: plotly's first draw purges the div, which calls removeAllListeners.
      var waiting = undrawn && div.__ftWaiting ? div.__ftWaiting.slice() : null;
      var drawn = react.apply(this, arguments);
      if (waiting) {
        // The first draw has set plotly's own emitter up (synchronously, before any event).
        delete div.__ftWaiting;
        waiting.forEach(function (pair) {
          div.on(pair[0], pair[1]);
        });
      }
      return drawn;
    };
    Plotly.react.__ftFirstDraw = true;

    var resize = Plotly.Plots.resize;
    Plotly.Plots.resize = function (gd) {
      var div = typeof gd === "string" ? document.getElementById(gd) : gd;
      return sameSize(div) ? Promise.resolve(div) : resize.apply(this, arguments);
    };
  }

  // Drawn, sized by its container (no width or height of its own), and that size unchanged
  // (plotly's autosize reads the same computed style, and ignores a change under 1 px).
  function sameSize(div) {
    var full = div instanceof HTMLElement ? div._fullLayout : null;
    var own = div && div.layout;
    if (!full || !own || own.width || own.height) {
      return false;
    }
    var style = window.getComputedStyle(div);
    var width = parseFloat(style.width);
    var height = parseFloat(style.height);
    return Math.abs(width - full.width) < 1 && Math.abs(height - full.height) < 1;
  }

  if (window.Plotly) {
    install(window.Plotly);
    return;
  }
  // Until plotly.js assigns window.Plotly: then a plain property again, and the wrapper.
  Object.defineProperty(window, "Plotly", {
    configurable: true,
    enumerable: true,
    get: function () {
      return undefined;
    },
    set: function (value) {
      Object.defineProperty(window, "Plotly", {
        configurable: true,
        enumerable: true,
        writable: true,
        value: value,
      });
      install(value);
    },
  });
})();
