/* Entropy Sentinel: one page for the live dashboard (data fetched from the processor's /report.json
   every few seconds) and the HTML report (the same page with the data embedded). Charts by uPlot.
   Every chart container carries data-points (points of its main series) once uPlot has drawn it,
   and every number cell its exact value in data-value, so a browser test can check what is shown. */
(function () {
  'use strict';
  var cfg = window.SENTINEL_CONFIG || { mode: 'live', url: 'report.json', refreshMs: 3000 };
  var plots = [];

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (attrs[k] !== null && attrs[k] !== undefined) { e.setAttribute(k, attrs[k]); }
      });
    }
    if (text !== undefined && text !== null) { e.textContent = text; }
    return e;
  }
  function isNum(v) { return v !== null && v !== undefined && isFinite(v); }
  function fmt(v, digits) { return isNum(v) ? Number(v).toFixed(digits === undefined ? 4 : digits) : '–'; }
  function numCell(field, v, digits) {
    return el('td', { 'data-field': field, 'data-value': isNum(v) ? String(v) : '' }, fmt(v, digits));
  }
  function textCell(field, text) { return el('td', { 'data-field': field }, text === null || text === undefined ? '–' : text); }
  function pct(f) { var p = f * 100; return (p < 0.1 ? p.toPrecision(1) : p < 1 ? p.toFixed(2) : p.toFixed(0)) + '%'; }
  function forecastText(f) {
    if (!f || !isNum(f.predictedFinal)) { return f && f.reason ? 'none: ' + f.reason : '–'; }
    return fmt(f.predictedFinal) + ' [' + fmt(f.predictedLo) + ', ' + fmt(f.predictedHi) + ']';
  }
  function decisionText(d) {
    if (!d) { return '–'; }
    return (d.dryRun ? 'advice ' : '') + d.action + ' @' + d.step + (d.ack ? ' (' + d.ack + ')' : '');
  }

  function renderFleet(model, selected) {
    var body = document.querySelector('#fleet-table tbody');
    body.textContent = '';
    model.runs.forEach(function (r) {
      var last = r.decisions.length ? r.decisions[r.decisions.length - 1] : null;
      var firing = r.firingAlerts;
      var tr = el('tr', { 'data-run': r.runId, 'data-phase': r.phase, 'class': r.runId === selected ? 'selected' : null });
      tr.appendChild(textCell('runId', r.runId));
      tr.appendChild(textCell('method', r.method));
      var phase = textCell('phase', r.phase);
      phase.className = 'phase phase-' + r.phase;
      tr.appendChild(phase);
      tr.appendChild(numCell('lastStep', r.lastStep, 0));
      tr.appendChild(numCell('entropy', r.entropy));
      tr.appendChild(numCell('reward', r.reward));
      var fc = textCell('forecast', forecastText(r.forecast));
      fc.setAttribute('data-value', r.forecast && isNum(r.forecast.predictedFinal) ? String(r.forecast.predictedFinal) : '');
      tr.appendChild(fc);
      tr.appendChild(numCell('targetStep', r.plannedSteps, 0));
      tr.appendChild(numCell('ceiling', r.forecast ? r.forecast.ceiling : null));
      tr.appendChild(textCell('alerts', firing.length ? firing.join(', ') : 'none'));
      var dc = textCell('lastDecision', decisionText(last));
      if (last) { dc.setAttribute('data-action', last.action); }
      tr.appendChild(dc);
      tr.addEventListener('click', function () { window.location.hash = encodeURIComponent(r.runId); });
      body.appendChild(tr);
    });
  }

  function renderStops(model) {
    var body = document.querySelector('#stops-table tbody');
    body.textContent = '';
    var any = false;
    model.runs.forEach(function (r) {
      r.stops.forEach(function (s) {
        any = true;
        var tr = el('tr', { 'data-run': r.runId, 'data-seq': s.seq });
        tr.appendChild(textCell('runId', r.runId));
        tr.appendChild(textCell('decision', (s.dryRun ? 'advice (not applied) ' : '') + 'STOP #' + s.seq
          + (s.applied ? ', applied' : '')));
        tr.appendChild(numCell('stopStep', s.stopStep, 0));
        tr.appendChild(numCell('plannedSteps', s.plannedSteps, 0));
        tr.appendChild(numCell('stepsSaved', s.stepsSaved, 0));
        tr.appendChild(textCell('shareSaved', isNum(s.shareSaved) ? pct(s.shareSaved) : '–'));
        tr.appendChild(numCell('gpuHoursSaved', s.gpuHoursSaved, 2));
        body.appendChild(tr);
      });
    });
    if (!any) {
      var tr = el('tr', { 'class': 'empty' });
      tr.appendChild(el('td', { colspan: '7' }, 'no STOP decision'));
      body.appendChild(tr);
    }
  }

  function fact(list, field, label, value, shown) {
    var s = el('span', { 'data-field': field, 'data-value': isNum(value) ? String(value) : '' });
    s.appendChild(el('b', null, label + ': '));
    s.appendChild(document.createTextNode(shown));
    list.appendChild(s);
  }

  function renderRun(r, model) {
    var sec = el('section', { 'class': 'run', id: 'run-' + r.runId, 'data-run': r.runId });
    sec.appendChild(el('h2', null, r.runId + ' — ' + (r.method || '?') + (r.modelName ? ' on ' + r.modelName : '')));
    var facts = el('div', { 'class': 'facts' });
    fact(facts, 'phase', 'phase', null, r.phase);
    fact(facts, 'lastStep', 'step', r.lastStep, fmt(r.lastStep, 0) + (isNum(r.plannedSteps) ? ' of ' + r.plannedSteps : ''));
    fact(facts, 'entropy', 'entropy', r.entropy, fmt(r.entropy));
    fact(facts, 'reward', 'reward', r.reward, fmt(r.reward));
    fact(facts, 'forecast', 'forecast now', r.forecast ? r.forecast.predictedFinal : null, forecastText(r.forecast)
      + (r.forecast && r.forecast.finalStep ? ' at step ' + r.forecast.finalStep : ''));
    fact(facts, 'forecastAtFit', 'forecast at ' + pct(model.fitFraction) + ' (step ≤ ' + fmt(r.fitStep, 0) + ')',
      r.forecastAtFit ? r.forecastAtFit.predictedFinal : null,
      r.forecastAtFit ? forecastText(r.forecastAtFit) + ' from step ' + r.forecastAtFit.step : 'not yet');
    fact(facts, 'law', 'law R = −a·e^H + b', null, r.forecast && isNum(r.forecast.a)
      ? 'a=' + fmt(r.forecast.a) + ', b=' + fmt(r.forecast.b) + ', R²=' + fmt(r.forecast.r2, 3) : '–');
    sec.appendChild(facts);

    var events = el('div', { 'class': 'events' });
    var alerts = el('div');
    alerts.appendChild(el('b', null, 'Alerts'));
    var ul = el('ul', { 'class': 'alerts' });
    r.alerts.forEach(function (a) {
      ul.appendChild(el('li', { 'data-alert-type': a.type, 'data-status': a.status, 'data-step': a.step, 'class': 'alert-' + a.severity },
        a.status + ' ' + a.type + ' (' + a.severity + ') at step ' + a.step + ': ' + a.summary));
    });
    if (!r.alerts.length) { ul.appendChild(el('li', { 'class': 'empty' }, 'none')); }
    alerts.appendChild(ul);
    events.appendChild(alerts);
    var decisions = el('div');
    decisions.appendChild(el('b', null, 'Decisions'));
    var dl = el('ul', { 'class': 'decisions' });
    r.decisions.forEach(function (d) {
      var params = Object.keys(d.parameters || {}).map(function (k) { return k + '=' + d.parameters[k]; }).join(', ');
      dl.appendChild(el('li', { 'data-decision': d.action, 'data-seq': d.seq, 'data-step': d.step, 'data-ack': d.ack || '' },
        '#' + d.seq + ' ' + (d.dryRun ? 'advice ' : '') + d.action + ' at step ' + d.step + (params ? ' {' + params + '}' : '')
        + ': ' + d.reason + (d.ack ? ' — trainer ' + d.ack + (d.ackReason ? ' (' + d.ackReason + ')' : '')
        + (isNum(d.ackStep) ? ' at step ' + d.ackStep : '') : ' — no acknowledgement from the trainer')));
    });
    if (!r.decisions.length) { dl.appendChild(el('li', { 'class': 'empty' }, 'none')); }
    decisions.appendChild(dl);
    events.appendChild(decisions);
    sec.appendChild(events);

    if (r.charts) {
      var grid = el('div', { 'class': 'charts' });
      sec.appendChild(grid);
      document.getElementById('runs').appendChild(sec);
      drawCharts(grid, r, model);
    } else {
      document.getElementById('runs').appendChild(sec);
    }
  }

  function count(arr) { return arr.filter(isNum).length; }
  function chartBox(grid, name, note) {
    var box = el('div', { 'class': 'chart', 'data-chart': name });
    grid.appendChild(box);
    return box;
  }
  function plot(box, opts, data, main, note) {
    opts.width = Math.max(400, box.clientWidth || 620);
    opts.height = 260;
    opts.legend = { live: false };
    plots.push(new uPlot(opts, data, box));
    var counts = opts.series.slice(1).map(function (s, i) { return s.label + ':' + count(data[i + 1]); });
    box.setAttribute('data-series', counts.join(','));
    box.setAttribute('data-points', String(count(data[main])));
    if (note) { box.appendChild(el('div', { 'class': 'note' }, note)); }
  }
  var pointsOnly = { paths: function () { return null; }, points: { show: true, size: 7 } };
  function merge(a, b) { var o = {}; [a, b].forEach(function (x) { Object.keys(x).forEach(function (k) { o[k] = x[k]; }); }); return o; }

  /** Aligns series given on their own x values onto the sorted union of all x. */
  function align(parts) {
    var xs = {};
    parts.forEach(function (p) { p.x.forEach(function (x) { xs[x] = true; }); });
    var x = Object.keys(xs).map(Number).sort(function (a, b) { return a - b; });
    var index = {};
    x.forEach(function (v, i) { index[v] = i; });
    var out = [x];
    parts.forEach(function (p) {
      p.ys.forEach(function (y) {
        var col = x.map(function () { return null; });
        p.x.forEach(function (xv, i) { col[index[xv]] = isNum(y[i]) ? y[i] : null; });
        out.push(col);
      });
    });
    return out;
  }

  function drawCharts(grid, r, model) {
    var c = r.charts;
    var s = c.steps;
    plot(chartBox(grid, 'entropy-reward'), {
      title: 'Entropy and reward vs step',
      scales: { x: { time: false } },
      axes: [{ label: 'step' }, { scale: 'H', label: 'entropy (token mean)' },
        { scale: 'R', side: 1, label: 'reward', grid: { show: false } }],
      series: [{ label: 'step' }, { label: 'entropy', scale: 'H', stroke: '#1f5fbf', width: 2 },
        { label: 'reward', scale: 'R', stroke: '#e07b00', width: 1.5 }]
    }, [s.step, s.entropy.map(nullable), s.reward.map(nullable)], 1);

    var v = c.validation, f = c.forecasts;
    plot(chartBox(grid, 'validation-forecast'), {
      title: 'Validation score and the forecast of the final score (90% band)',
      scales: { x: { time: false } },
      axes: [{ label: 'step' }, { label: 'score' }],
      series: [{ label: 'step' },
        merge({ label: 'validation', stroke: '#1e7b34' }, pointsOnly),
        { label: 'forecast final', stroke: '#7b1fa2', width: 2, spanGaps: true },
        { label: 'lo', stroke: 'rgba(123,31,162,0.4)', dash: [4, 4], spanGaps: true },
        { label: 'hi', stroke: 'rgba(123,31,162,0.4)', dash: [4, 4], spanGaps: true },
        { label: 'ceiling b−a', stroke: '#888', dash: [2, 6], spanGaps: true }],
      bands: [{ series: [4, 3], fill: 'rgba(123,31,162,0.12)' }]
    }, align([{ x: v.step, ys: [v.score] }, { x: f.step, ys: [f.predicted, f.lo, f.hi, f.ceiling] }]), 1,
      'forecast of the score at step ' + (r.forecast && r.forecast.finalStep ? r.forecast.finalStep : '?')
      + ' as issued at each step (the paper fits on the first ' + pct(model.fitFraction) + ')');

    var law = c.law;
    var pts = v.entropy.map(function (h, i) { return { x: isNum(h) ? Math.exp(h) : null, r: v.score[i] }; })
      .filter(function (p) { return isNum(p.x) && isNum(p.r); })
      .sort(function (a, b) { return a.x - b.x; });
    var lx = pts.map(function (p) { return p.x; });
    var fitted = lx.map(function (x) { return isNum(law.a) && isNum(law.b) ? law.b - law.a * x : null; });
    plot(chartBox(grid, 'law'), {
      title: 'Validation R vs e^H with the fitted law R = −a·e^H + b',
      scales: { x: { time: false } },
      axes: [{ label: 'e^H' }, { label: 'R' }],
      series: [{ label: 'e^H' }, merge({ label: 'measured', stroke: '#1e7b34' }, pointsOnly),
        { label: 'fitted law', stroke: '#b3261e', width: 2, points: { show: false } }]
    }, [lx, pts.map(function (p) { return p.r; }), fitted], 1,
      isNum(law.a) ? 'a = ' + fmt(law.a) + ', b = ' + fmt(law.b) + ', ceiling b−a = ' + fmt(law.b - law.a) : 'no fit yet');

    var cov = c.covariance;
    var idx = cov.fraction.map(function (_, i) { return i; });
    var bars = uPlot.paths && uPlot.paths.bars ? { paths: uPlot.paths.bars({ size: [0.6, 80] }), points: { show: false } } : pointsOnly;
    plot(chartBox(grid, 'covariance'), {
      title: 'Covariance: mean of the top groups' + (isNum(cov.step) ? ' (step ' + cov.step + ')' : ''),
      scales: { x: { time: false, range: [-0.5, Math.max(0.5, idx.length - 0.5)] } },
      axes: [{ label: 'top group of tokens by cov', splits: function () { return idx; },
        values: function (u, vals) { return vals.map(function (i) { return cov.fraction[i] !== undefined ? 'top ' + pct(cov.fraction[i]) : ''; }); } },
        { label: 'mean cov(log π, A)' }],
      series: [{ label: 'group' }, merge({ label: 'mean cov', stroke: '#1f5fbf', fill: 'rgba(31,95,191,0.35)' }, bars)]
    }, [idx, cov.mean.map(nullable)], 1, idx.length ? null : 'no covariance statistics in this run\'s records');

    plot(chartBox(grid, 'entropy-change'), {
      title: 'Entropy change per step: measured vs predicted from the covariance',
      scales: { x: { time: false } },
      axes: [{ label: 'step' }, { label: 'ΔH' }],
      series: [{ label: 'step' }, { label: 'measured ΔH', stroke: '#1f5fbf', width: 1.5 },
        { label: 'predicted ΔH', stroke: '#7b1fa2', width: 1.5 }]
    }, [s.step, s.dhMeasured.map(nullable), s.dhPredicted.map(nullable)], 1,
      count(s.dhPredicted) ? null : 'no covariance statistics in this run\'s records: no prediction');
  }
  function nullable(v) { return isNum(v) ? v : null; }

  function selectedRun(model) {
    var h = decodeURIComponent((window.location.hash || '').slice(1));
    if (h && model.runs.some(function (r) { return r.runId === h; })) { return h; }
    var withCharts = model.runs.filter(function (r) { return r.charts; });
    return withCharts.length ? withCharts[0].runId : (model.runs.length ? model.runs[0].runId : null);
  }

  function render(model) {
    plots.forEach(function (p) { p.destroy(); });
    plots = [];
    var selected = selectedRun(model);
    renderFleet(model, selected);
    renderStops(model);
    var runs = document.getElementById('runs');
    runs.textContent = '';
    model.runs.forEach(function (r) {
      if (cfg.mode === 'report' || r.runId === selected) { renderRun(r, model); }
    });
    var status = document.getElementById('status');
    status.setAttribute('data-mode', cfg.mode);
    status.setAttribute('data-runs', String(model.runs.length));
    status.setAttribute('data-generated', String(model.generatedAtMs));
    status.textContent = (cfg.mode === 'report' ? 'report generated ' : 'live, updated ')
      + new Date(model.generatedAtMs).toISOString() + ' — ' + model.runs.length + ' run(s)'
      + (model.unreadableRecords ? ', ' + model.unreadableRecords + ' unreadable record(s) skipped' : '');
    document.body.setAttribute('data-rendered', 'true');
  }

  function refresh() {
    var h = decodeURIComponent((window.location.hash || '').slice(1));
    fetch(cfg.url + '?charts=' + encodeURIComponent(h || 'first'), { cache: 'no-store' })
      .then(function (r) { if (!r.ok) { throw new Error('the processor answered HTTP ' + r.status); } return r.json(); },
        function (e) { throw new Error('cannot reach the processor (' + e.message + ')'); })
      .then(render)
      .catch(function (e) { document.getElementById('status').textContent = 'update failed: ' + e.message; });
  }

  if (cfg.mode === 'report') {
    render(cfg.data);
  } else {
    refresh();
    setInterval(refresh, cfg.refreshMs || 3000);
    window.addEventListener('hashchange', refresh);
  }
})();
