"""assets/graph-first-draw.js: no plotly plot for dcc.Graph's empty placeholder, the listeners
dcc.Graph binds before the first real figure still fire, and a same-size resize is no relayout."""

from __future__ import annotations

from dashboard import ids
from tests.e2e.conftest import login, wait_until

CHARTS = (
    ids.CHART_CATEGORY,
    ids.CHART_MONTHLY,
    ids.CHART_STACKED,
    ids.CHART_NET_WORTH,
    ids.CHART_PAYEES,
    ids.CHART_MONTH_END,
    ids.CHART_TAGS,
)

# Before the page's scripts: the number of traces each graph had when plotly first drew it
# (plotly marks a div it draws with the class js-plotly-plot).
FIRST_DRAWS_JS = """
(() => {
  const first = {};
  window.__firstDraws = first;
  new MutationObserver(records => {
    for (const record of records) {
      const div = record.target;
      if (!div.classList || !div.classList.contains('js-plotly-plot')) continue;
      const graph = div.closest('[id]');
      if (graph && !(graph.id in first)) first[graph.id] = (div.data || []).length;
    }
  }).observe(document, {subtree: true, attributes: true, attributeFilter: ['class']});
})();
"""

ALL_DRAWN_JS = """ids => ids.every(id => {
  const plot = document.querySelector(`[id="${id}"] .js-plotly-plot`);
  return plot && plot.data && plot.data.length > 0;
})"""

# In the overview (plotly.js loaded): the wrappers on plain divs of a fixed size.
WRAPPERS_JS = """async () => {
  const div = size => {
    const e = document.createElement('div');
    Object.assign(e.style, {width: size + 'px', height: '200px'});
    document.body.appendChild(e);
    return e;
  };
  const graph = div(400);
  await Plotly.react(graph, {data: [], layout: {}});
  const placeholderDrawn = graph.classList.contains('js-plotly-plot');
  let clicks = 0;
  graph.on('plotly_click', () => { clicks += 1; });
  await Plotly.react(graph, {data: [{type: 'bar', x: [1], y: [2]}], layout: {}});
  graph.emit('plotly_click', {points: []});
  let relayouts = 0;
  graph.on('plotly_relayout', () => { relayouts += 1; });
  await Plotly.Plots.resize(graph);
  const afterSameSize = relayouts;
  graph.style.width = '300px';
  await Plotly.Plots.resize(graph);
  const message = div(400);
  await Plotly.react(message, {data: [], layout: {annotations: [{text: 'No spending'}]}});
  return {
    placeholderDrawn, clicks, afterSameSize, afterResize: relayouts,
    width: graph._fullLayout.width,
    messageDrawn: message.classList.contains('js-plotly-plot'),
  };
}"""


def test_every_chart_is_first_drawn_with_its_figure(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        context.add_init_script(FIRST_DRAWS_JS)
        page = context.new_page()
        login(page, live_server.url)
        wait_until(page, ALL_DRAWN_JS, list(CHARTS))
        first_draws = page.evaluate("() => window.__firstDraws")
        assert set(first_draws) >= set(CHARTS)
        # No graph was drawn with the placeholder's zero traces first.
        assert {chart: first_draws[chart] for chart in CHARTS if first_draws[chart] == 0} == {}
    finally:
        context.close()


def test_listeners_survive_the_first_draw_and_a_same_size_resize_is_no_relayout(page):
    wait_until(page, ALL_DRAWN_JS, list(CHARTS))
    found = page.evaluate(WRAPPERS_JS)
    assert found["placeholderDrawn"] is False
    assert found["clicks"] == 1, "a listener bound before the first draw fires after it"
    assert found["afterSameSize"] == 0
    assert found["afterResize"] == 1 and found["width"] == 300
    assert found["messageDrawn"] is True, "an empty period's message is drawn"
