/**
 * The page's only script (inline, pinned by hash in the CSP). Plain browser JS: polls
 * /dashboard/data every second with the admin token as a Bearer header and redraws SVG charts.
 * Untrusted text (tenant and pool names) only ever goes through textContent.
 * Written as String.raw with no backticks or dollar-brace, so it reaches the browser verbatim.
 */
export const DASHBOARD_SCRIPT = String.raw`
(function () {
  'use strict';
  var token = new URLSearchParams(location.search).get('token');
  var dataUrl = location.pathname.replace(/\/+$/, '') + '/data';
  var PRIOS = ['interactive', 'default', 'batch'];
  var samples = [], tenants = [], totals = null, sampleMs = 1000, startedAt = null, lastT = null, keep = 300, serverNow = 0;

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fmtNum(n) {
    if (n === null || n === undefined || !isFinite(n)) return '–';
    var a = Math.abs(n);
    if (a >= 1e9) return (n / 1e9).toFixed(a >= 1e10 ? 0 : 1) + 'B';
    if (a >= 1e6) return (n / 1e6).toFixed(a >= 1e7 ? 0 : 1) + 'M';
    if (a >= 1e4) return (n / 1e3).toFixed(0) + 'k';
    if (a >= 1e3) return (n / 1e3).toFixed(1) + 'k';
    if (a >= 10 || n === Math.round(n)) return String(Math.round(n));
    return n.toFixed(1);
  }
  function fmtInt(n) { return n === null || n === undefined ? '–' : Math.round(n).toLocaleString('en-US'); }
  function fmtMs(ms) {
    if (ms === null || ms === undefined) return '–';
    return ms < 1000 ? Math.round(ms) + ' ms' : (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + ' s';
  }
  function fmtUsd(x) {
    if (x === null || x === undefined) return '–';
    return '$' + (x === 0 ? '0.00' : x < 0.01 ? x.toFixed(4) : x < 100 ? x.toFixed(2) : Math.round(x).toLocaleString('en-US'));
  }
  function niceMax(v) {
    if (!(v > 0)) return 1;
    var p = Math.pow(10, Math.floor(Math.log10(v))), m = v / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 2.5 ? 2.5 : m <= 5 ? 5 : 10) * p;
  }

  /** series: [{name, cls, values:[number|null]}], opts: {limit, fmt, area, times} */
  function chart(series, opts) {
    var W = 640, H = 190, L = 46, R = 12, T = 12, B = 24, iw = W - L - R, ih = H - T - B;
    var n = opts.times.length, max = 0, i, s;
    for (s = 0; s < series.length; s++) for (i = 0; i < n; i++) {
      var v = series[s].values[i];
      if (v !== null && v > max) max = v;
    }
    if (opts.limit > 0 && opts.limit > max) max = opts.limit;
    var top = niceMax(max * 1.08), fmt = opts.fmt || fmtNum;
    // Counts (queue depth) get whole-number ticks.
    if (opts.integer) top = Math.max(4, Math.ceil(top / 4) * 4);
    var out = ['<svg class="chart" viewBox="0 0 ' + W + ' ' + H + '" role="img" aria-label="' + opts.label + '">'];
    for (i = 0; i <= 4; i++) {
      var gy = T + ih - (ih * i) / 4;
      out.push('<line class="grid" x1="' + L + '" x2="' + (W - R) + '" y1="' + gy + '" y2="' + gy + '"/>');
      out.push('<text x="' + (L - 6) + '" y="' + (gy + 4) + '" text-anchor="end">' + fmt((top * i) / 4) + '</text>');
    }
    out.push('<line class="axis" x1="' + L + '" x2="' + (W - R) + '" y1="' + (T + ih) + '" y2="' + (T + ih) + '"/>');
    var span = keep * sampleMs, end = n ? opts.times[n - 1] + sampleMs : 0, start = end - span;
    function x(t) { return L + ((t + sampleMs - start) / span) * iw; }
    function y(v) { return T + ih - (Math.min(v, top) / top) * ih; }
    var mins = Math.max(1, Math.round(span / 60000));
    for (i = 0; i <= mins; i++) {
      var tx = L + (iw * i) / mins;
      out.push('<text x="' + tx + '" y="' + (H - 6) + '" text-anchor="' + (i === 0 ? 'start' : i === mins ? 'end' : 'middle') + '">' +
        (i === mins ? 'now' : '−' + (mins - i) + 'm') + '</text>');
    }
    if (!n) {
      out.push('<text class="empty" x="' + (L + iw / 2) + '" y="' + (T + ih / 2) + '" text-anchor="middle">Waiting for data…</text>');
    }
    for (s = 0; s < series.length; s++) {
      var segs = [], cur = [];
      for (i = 0; i < n; i++) {
        var val = series[s].values[i];
        if (val === null || val === undefined) { if (cur.length) segs.push(cur); cur = []; continue; }
        cur.push(x(opts.times[i]).toFixed(1) + ',' + y(val).toFixed(1));
      }
      if (cur.length) segs.push(cur);
      for (var k = 0; k < segs.length; k++) {
        var pts = segs[k];
        if (pts.length === 1) pts.push((parseFloat(pts[0]) + 2) + ',' + pts[0].split(',')[1]);
        if (opts.area && s === 0) {
          var first = pts[0].split(',')[0], last = pts[pts.length - 1].split(',')[0];
          out.push('<polygon class="area ' + series[s].cls + '" points="' + first + ',' + (T + ih) + ' ' + pts.join(' ') + ' ' + last + ',' + (T + ih) + '"/>');
        }
        out.push('<polyline class="line ' + series[s].cls + '" data-series="' + series[s].name + '" points="' + pts.join(' ') + '"/>');
      }
    }
    if (opts.limit > 0) {
      var ly = y(opts.limit);
      out.push('<line class="limit" x1="' + L + '" x2="' + (W - R) + '" y1="' + ly + '" y2="' + ly + '"/>');
      out.push('<text class="limit-label" x="' + (W - R - 4) + '" y="' + (ly - 5) + '" text-anchor="end">limit ' + fmt(opts.limit) + '</text>');
    }
    out.push('</svg>');
    return out.join('');
  }

  function legend(series, limit) {
    var box = el('div', 'legend');
    series.forEach(function (s) {
      var item = el('span');
      item.appendChild(el('i', s.cls));
      item.appendChild(document.createTextNode(s.name));
      box.appendChild(item);
    });
    if (limit) {
      var li = el('span');
      li.appendChild(el('i', 'dash'));
      li.appendChild(document.createTextNode('limit'));
      box.appendChild(li);
    }
    return box;
  }

  function draw(id, series, opts) {
    var host = $(id);
    host.innerHTML = chart(series, opts);
    host.appendChild(legend(series, opts.limit > 0));
  }

  function pick(f) { return samples.map(f); }
  function sumLast(count, f) {
    var s = 0;
    for (var i = Math.max(0, samples.length - count); i < samples.length; i++) s += f(samples[i]);
    return s;
  }
  function lastOf(f, within) {
    for (var i = samples.length - 1; i >= Math.max(0, samples.length - within); i--) {
      var v = f(samples[i]);
      if (v !== null && v !== undefined) return v;
    }
    return null;
  }
  function setKpi(id, value, sub) {
    $(id).querySelector('.value').textContent = value;
    if (sub !== undefined) $(id).querySelector('.sub').textContent = sub;
  }

  function renderKpis() {
    var perSec = 1000 / sampleMs, win10 = Math.max(1, Math.round(10 * perSec)), win60 = Math.max(1, Math.round(60 * perSec));
    var n10 = Math.min(win10, samples.length) || 1;
    setKpi('kpi-rps', fmtNum(sumLast(win10, function (s) { return s.requests; }) / (n10 / perSec)), 'last 10 s');
    setKpi('kpi-tpm', fmtNum(sumLast(win60, function (s) { return s.tokensIn + s.tokensOut; })), 'last 60 s');
    setKpi('kpi-429', fmtInt(sumLast(keep, function (s) { return s.upstream429; })), 'last 5 min · ' + fmtInt(totals.upstream429) + ' total');
    setKpi('kpi-errors', fmtInt(sumLast(keep, function (s) { return s.errors; })), 'last 5 min · ' + fmtInt(totals.errors) + ' total');
    setKpi('kpi-ttft', fmtMs(lastOf(function (s) { return s.ttftP95; }, win10)), 'p95, latest second');
    setKpi('kpi-cost', fmtUsd(totals.costUsd), fmtInt(totals.requests) + ' requests total');
  }

  function badge(text, cls) { return el('span', 'badge ' + cls, text); }
  function stat(label, value) {
    var s = el('span');
    s.appendChild(document.createTextNode(label + ' '));
    s.appendChild(el('b', '', value));
    return s;
  }

  function renderPools(times) {
    var host = $('pools'), latest = samples.length ? samples[samples.length - 1].pools : [];
    host.textContent = '';
    if (!latest.length) { host.appendChild(el('div', 'card hint', 'No pools yet: they appear with the first request.')); return; }
    latest.forEach(function (p, idx) {
      var card = el('div', 'card');
      card.setAttribute('data-pool', p.pool);
      var h = el('h3');
      h.appendChild(document.createTextNode(p.pool));
      var br = p.breaker;
      h.appendChild(badge('breaker ' + br.replace('_', '-'), br === 'closed' ? 'ok' : br === 'open' ? 'bad' : 'warn'));
      if (p.paused) h.appendChild(badge('paused ' + fmtMs(Math.max(0, p.pausedUntil - serverNow)), 'warn'));
      if (!p.learned) h.appendChild(badge('learning limits', ''));
      card.appendChild(h);
      var st = el('div', 'stats');
      st.appendChild(stat('in flight', fmtInt(p.inFlight)));
      st.appendChild(stat('queued', PRIOS.map(function (q) { return p.queued[q]; }).join(' / ')));
      st.appendChild(stat('available', fmtNum(p.available.requests) + ' req · ' + fmtNum(p.available.tokens) + ' tok'));
      st.appendChild(stat('limits', fmtNum(p.limits.rpm) + ' rpm · ' + fmtNum(p.limits.tpm) + ' tpm'));
      card.appendChild(st);
      var chartBox = el('div');
      chartBox.id = 'pool-chart-' + idx;
      card.appendChild(chartBox);
      host.appendChild(card);
      var vals = samples.map(function (s) {
        for (var i = 0; i < s.pools.length; i++) if (s.pools[i].pool === p.pool) return s.pools[i].tokensPerMin;
        return null;
      });
      draw(chartBox.id, [{ name: 'tokens/min', cls: 's0', values: vals }], { times: times, limit: p.limits.tpm || 0, area: true, label: 'tokens per minute' });
    });
  }

  function renderTenants() {
    var body = $('tenants');
    body.textContent = '';
    if (!tenants.length) {
      var tr0 = el('tr'), td0 = el('td', 'empty', 'No requests yet.');
      td0.colSpan = 7;
      tr0.appendChild(td0);
      body.appendChild(tr0);
      return;
    }
    tenants.forEach(function (t) {
      var tr = el('tr');
      tr.setAttribute('data-tenant', t.tenant);
      [t.tenant, fmtInt(t.requests), fmtInt(t.errors), fmtInt(t.tokensIn), fmtInt(t.tokensOut), fmtUsd(t.costUsd), fmtMs(t.durationP95)]
        .forEach(function (v) { tr.appendChild(el('td', '', v)); });
      body.appendChild(tr);
    });
  }

  function render() {
    var times = pick(function (s) { return s.t; });
    renderKpis();
    renderPools(times);
    draw('chart-requests', [
      { name: 'requests/s', cls: 's0', values: pick(function (s) { return s.requests * 1000 / sampleMs; }) },
      { name: 'upstream 429/s', cls: 's1', values: pick(function (s) { return s.upstream429 * 1000 / sampleMs; }) },
      { name: 'errors/s', cls: 's3', values: pick(function (s) { return s.errors * 1000 / sampleMs; }) }
    ], { times: times, area: true, label: 'requests per second' });
    draw('chart-ttft', [
      { name: 'TTFT p50', cls: 's0', values: pick(function (s) { return s.ttftP50; }) },
      { name: 'TTFT p95', cls: 's4', values: pick(function (s) { return s.ttftP95; }) }
    ], { times: times, fmt: fmtMs, label: 'time to first token' });
    var depth = PRIOS.map(function (q, i) {
      return { name: q, cls: 's' + [2, 0, 3][i], values: pick(function (s) { return s.pools.reduce(function (a, p) { return a + p.queued[q]; }, 0); }) };
    });
    draw('chart-queue', depth, { times: times, integer: true, label: 'queue depth per priority' });
    var wait = PRIOS.map(function (q, i) {
      return { name: q + ' p95', cls: 's' + [2, 0, 3][i], values: pick(function (s) { return s.queueP95[q]; }) };
    });
    draw('chart-wait', wait, { times: times, fmt: fmtMs, label: 'queue wait p95 per priority' });
    renderTenants();
    $('span').textContent = 'Charts cover the last ' + fmtSpan(keep * sampleMs) + ', one sample every ' + fmtSpan(sampleMs);
  }

  function fmtSpan(ms) {
    return ms % 60000 === 0 ? ms / 60000 + ' min' : ms % 1000 === 0 ? ms / 1000 + ' s' : ms + ' ms';
  }

  function setStatus(ok, text) {
    var s = $('status');
    s.className = ok ? 'live' : 'down';
    s.querySelector('span').textContent = text;
  }

  function merge(d) {
    if (startedAt !== d.startedAt) { samples = []; lastT = null; startedAt = d.startedAt; }
    sampleMs = d.sampleMs;
    keep = d.keep;
    for (var i = 0; i < d.samples.length; i++) {
      var s = d.samples[i];
      if (lastT === null || s.t > lastT) { samples.push(s); lastT = s.t; }
    }
    if (samples.length > keep) samples = samples.slice(samples.length - keep);
    tenants = d.tenants;
    serverNow = d.now;
    totals = d.totals;
  }

  function poll() {
    var url = dataUrl + (lastT === null ? '' : '?since=' + lastT);
    var headers = token ? { authorization: 'Bearer ' + token } : {};
    fetch(url, { headers: headers, cache: 'no-store' })
      .then(function (res) {
        if (!res.ok) {
          return res.json().then(function (b) { throw new Error((b && b.error && b.error.message) || ('HTTP ' + res.status)); },
            function () { throw new Error('HTTP ' + res.status); });
        }
        return res.json();
      })
      .then(function (d) {
        merge(d);
        render();
        setStatus(true, 'Live · updated ' + new Date(d.now).toLocaleTimeString('en-GB'));
        document.body.setAttribute('data-updated', String(d.now));
      })
      .catch(function (e) { setStatus(false, 'Disconnected · ' + e.message); })
      .then(function () { setTimeout(poll, 1000); });
  }

  poll();
})();
`;
