"""An offline, single-file interactive topic view (in the spirit of pyLDAvis).

Everything is inlined: the data as JSON, plain JavaScript and CSS, no external script, style sheet, font or image,
so the file opens from disk in a browser with networking disabled. Text from the corpus is only ever inserted with
``textContent`` (never as HTML).

Left: the inter-topic map (classical MDS of Jensen-Shannon distances; area = topic share). Right: the selected
topic's terms ranked by relevance with a lambda slider (lambda = 1: by probability; lower: more topic-specific),
its share by year and by label, and its most representative documents.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_TEMPLATE = """<!DOCTYPE html>
<html lang="zh">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>__TITLE__</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;
       margin: 0; color: #222; background: #fafafa; }
header { padding: 10px 16px; background: #24415e; color: #fff; }
header h1 { font-size: 17px; margin: 0; }
header p { margin: 4px 0 0; font-size: 12px; opacity: .85; }
main { display: flex; flex-wrap: wrap; gap: 12px; padding: 12px; }
section { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 10px; }
#mapbox { flex: 0 0 460px; }
#detail { flex: 1 1 520px; min-width: 420px; }
#map circle { fill: #6a9fd4; fill-opacity: .55; stroke: #24415e; stroke-width: 1; cursor: pointer; }
#map circle.sel { fill: #d9534f; fill-opacity: .75; }
#map circle.hit { fill: #f0ad4e; }
#map text { font-size: 10px; pointer-events: none; fill: #222; }
.row { display: flex; align-items: center; gap: 8px; font-size: 13px; margin: 4px 0; }
.bars { font-size: 12px; }
.bar { display: flex; align-items: center; margin: 1px 0; }
.bar .w { width: 90px; text-align: right; padding-right: 6px; white-space: nowrap; overflow: hidden; }
.bar .track { position: relative; height: 13px; flex: 1; }
.bar .all { position: absolute; height: 13px; background: #cfd8e3; }
.bar .in { position: absolute; height: 13px; background: #d9534f; }
.small { font-size: 11px; color: #666; }
table { border-collapse: collapse; font-size: 12px; width: 100%; }
td, th { border-bottom: 1px solid #eee; padding: 3px 4px; text-align: left; vertical-align: top; }
h2 { font-size: 15px; margin: 4px 0 8px; }
h3 { font-size: 13px; margin: 12px 0 4px; }
select, input { font-size: 13px; }
.spark { display: flex; align-items: flex-end; gap: 2px; height: 60px; }
.spark div { background: #6a9fd4; width: 14px; }
.sparklab { display: flex; gap: 2px; font-size: 9px; color: #666; }
.sparklab span { width: 14px; text-align: center; overflow: hidden; }
</style>
</head>
<body>
<header><h1 id="title"></h1><p id="subtitle"></p></header>
<main>
<section id="mapbox">
  <h2>Inter-topic map</h2>
  <div class="row">topic <select id="pick"></select>
    find word <input id="find" size="8" placeholder="e.g. 党建"></div>
  <svg id="map" width="440" height="440" viewBox="0 0 440 440"></svg>
  <p class="small">Circle area = topic share; distance = Jensen-Shannon divergence of the topic-word
  distributions (classical MDS). Orange = topics whose top terms contain the word searched.</p>
</section>
<section id="detail">
  <h2 id="tname"></h2>
  <div class="row">relevance &lambda; <input id="lam" type="range" min="0" max="1" step="0.05">
    <span id="lamv"></span>
    <span class="small">(1 = most probable words; lower = words specific to this topic)</span></div>
  <div class="small">red: p(word | topic); grey: p(word) in the corpus (same scale)</div>
  <div id="bars" class="bars"></div>
  <h3>Share by year</h3><div id="years"></div>
  <h3>Share by label</h3><div id="labels"></div>
  <h3>Most representative documents</h3>
  <table><thead><tr><th>date</th><th>share</th><th>title / text</th></tr></thead><tbody id="docs"></tbody></table>
</section>
</main>
<script id="topic-data" type="application/json">__DATA__</script>
<script>
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("topic-data").textContent);
  var T = D.topics, cur = 0, lam = D.relevance_lambda;
  var NS = "http" + "://www.w3.org/2000/svg";
  function el(tag, text, cls) { var e = document.createElement(tag); if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls; return e; }
  function svg(tag, attrs) { var e = document.createElementNS(NS, tag);
    for (var k in attrs) e.setAttribute(k, attrs[k]); return e; }
  document.getElementById("title").textContent = "Topics: " + D.model.engine + ", K=" + D.model.n_topics;
  document.getElementById("subtitle").textContent = D.n_documents + " documents, " + D.model.vocabulary_size +
    " words" + (D.model.seeded ? ", seeded topics" : "");
  var pick = document.getElementById("pick");
  T.forEach(function (t, i) { var o = el("option", t.name + "  " + t.words.slice(0, 3).map(function (w) {
    return w.word; }).join(" ")); o.value = i; pick.appendChild(o); });
  pick.onchange = function () { select(+pick.value); };
  var lamI = document.getElementById("lam"); lamI.value = lam;
  lamI.oninput = function () { lam = +lamI.value; drawBars(); };
  document.getElementById("find").oninput = function () { mark(this.value.trim()); };

  var map = document.getElementById("map"), circles = [];
  (function drawMap() {
    var xs = T.map(function (t) { return t.xy[0]; }), ys = T.map(function (t) { return t.xy[1]; });
    var minx = Math.min.apply(null, xs), maxx = Math.max.apply(null, xs);
    var miny = Math.min.apply(null, ys), maxy = Math.max.apply(null, ys);
    var sx = (maxx - minx) || 1, sy = (maxy - miny) || 1, pad = 40;
    map.appendChild(svg("line", {x1: 220, y1: 0, x2: 220, y2: 440, stroke: "#eee"}));
    map.appendChild(svg("line", {x1: 0, y1: 220, x2: 440, y2: 220, stroke: "#eee"}));
    var order = T.map(function (t, i) { return i; }).sort(function (a, b) { return T[b].prevalence - T[a].prevalence; });
    order.forEach(function (i) {
      var t = T[i], x = pad + (t.xy[0] - minx) / sx * (440 - 2 * pad), y = pad + (t.xy[1] - miny) / sy * (440 - 2 * pad);
      var r = 4 + 60 * Math.sqrt(t.prevalence);
      var c = svg("circle", {cx: x, cy: y, r: r}); c.onclick = function () { select(i); };
      var tip = svg("title", {}); tip.textContent = t.name + " (" + (100 * t.prevalence).toFixed(1) + "%): " +
        t.words.slice(0, 6).map(function (w) { return w.word; }).join(" ");
      c.appendChild(tip); map.appendChild(c); circles[i] = c;
      var lab = svg("text", {x: x, y: y + 3, "text-anchor": "middle"}); lab.textContent = String(i); map.appendChild(lab);
    });
  })();

  function mark(word) {
    T.forEach(function (t, i) {
      var hit = word && t.terms.some(function (x) { return x.w.indexOf(word) >= 0; });
      circles[i].classList.toggle("hit", !!hit);
    });
  }
  function drawBars() {
    document.getElementById("lamv").textContent = lam.toFixed(2);
    var t = T[cur], box = document.getElementById("bars"); box.textContent = "";
    var ranked = t.terms.map(function (x) { return {w: x.w, phi: x.phi, pw: x.pw,
      r: lam * Math.log(x.phi) + (1 - lam) * Math.log(x.phi / x.pw)}; })
      .sort(function (a, b) { return b.r - a.r; }).slice(0, 30);
    var mx = Math.max.apply(null, ranked.map(function (x) { return Math.max(x.phi, x.pw); }));
    ranked.forEach(function (x) {
      var b = el("div", undefined, "bar"), tr = el("div", undefined, "track");
      b.appendChild(el("div", x.w, "w"));
      var a = el("div", undefined, "all"); a.style.width = (100 * x.pw / mx) + "%";
      var n = el("div", undefined, "in"); n.style.width = (100 * x.phi / mx) + "%";
      n.title = "p(w|topic)=" + x.phi.toPrecision(3) + "  p(w)=" + x.pw.toPrecision(3);
      tr.appendChild(a); tr.appendChild(n); b.appendChild(tr); box.appendChild(b);
    });
  }
  function spark(box, names, values) {
    box.textContent = "";
    var mx = Math.max.apply(null, values.concat([1e-9])), s = el("div", undefined, "spark"), l = el("div", undefined, "sparklab");
    values.forEach(function (v, i) { var d = el("div"); d.style.height = (58 * v / mx) + "px";
      d.title = names[i] + ": " + (100 * v).toFixed(2) + "%"; s.appendChild(d);
      l.appendChild(el("span", String(names[i]).slice(-2))); });
    box.appendChild(s); box.appendChild(l);
  }
  function select(i) {
    cur = i; pick.value = i;
    circles.forEach(function (c, j) { c.classList.toggle("sel", j === i); });
    var t = T[i];
    document.getElementById("tname").textContent = t.name + " (share " + (100 * t.prevalence).toFixed(1) + "%)" +
      (t.seed_words.length ? "  seeded: " + t.seed_words.slice(0, 8).join(" ") : "");
    drawBars();
    spark(document.getElementById("years"), D.years, t.share_by_year);
    var lb = document.getElementById("labels"); lb.textContent = "";
    D.labels.forEach(function (name, j) { lb.appendChild(el("div", name + ": " + (100 * t.share_by_label[j]).toFixed(2) +
      "%  (" + D.documents_per_label[j] + " docs)", "small")); });
    var tb = document.getElementById("docs"); tb.textContent = "";
    t.documents.forEach(function (d) { var r = el("tr"); r.appendChild(el("td", d.date || ""));
      r.appendChild(el("td", d.share.toFixed(2)));
      var c = el("td"); c.appendChild(el("b", d.title)); c.appendChild(el("div", d.snippet, "small")); r.appendChild(c);
      tb.appendChild(r); });
  }
  select(T.length ? T.reduce(function (b, t, i) { return t.prevalence > T[b].prevalence ? i : b; }, 0) : 0);
})();
</script>
</body>
</html>
"""


def render_view(data: dict[str, Any], title: str = "Topics") -> str:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # keep the JSON inert inside <script>: no "</script>", no "<!--"
    payload = payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    safe_title = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _TEMPLATE.replace("__TITLE__", safe_title).replace("__DATA__", payload)


def write_view(data: dict[str, Any], path: Path, title: str | None = None) -> Path:
    m = data.get("model", {})
    title = title or f"Topics ({m.get('engine')}, K={m.get('n_topics')})"
    path = Path(path)
    path.write_text(render_view(data, title), encoding="utf-8")
    return path
