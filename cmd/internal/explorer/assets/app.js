// Glue between the results data (the JSON in #data) and ECharts: it lays
// out the panels, the sweep table and the controls; ECharts draws.
(function () {
  'use strict';
  // Okabe & Ito's colour-blind-safe palette, as the PNGs.
  var palette = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000', '#f0e442'];
  // A dual stream's parts: colour, line style and marker, so that curves
  // that coincide (the fast stream under the total) stay visible.
  // The fast stream is a wide pale line, the total a thin dotted one drawn
  // over it: where they coincide both show.
  var partStyle = {
    fast: { color: '#56b4e9', type: 'solid', width: 5, symbol: 'circle' },
    slow: { color: '#d55e00', type: 'dashed', width: 2, symbol: 'triangle' },
    total: { color: '#000000', type: 'dotted', width: 1.8, symbol: 'diamond' }
  };
  // full: a served page's full-precision curves of the configs selected so
  // far, by folder key and config name (fetched from curves.json).
  var state = { sort: {}, filter: {}, selected: {}, metric: {}, raw: '', live: false, full: {}, pending: {} };
  var charts = {};
  window.explorer = { ready: false, charts: charts, renders: 0, startedAt: performance.now(), full: state.full };

  function el(tag, attrs) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) {
      if (k === 'text') e.textContent = attrs[k];
      else if (k === 'cls') e.className = attrs[k];
      else e.setAttribute(k, attrs[k]);
    }
    for (var i = 2; i < arguments.length; i++) if (arguments[i]) e.appendChild(arguments[i]);
    return e;
  }
  function fmt(v, d) {
    if (v === null || v === undefined) return '';
    if (typeof v === 'number') return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : +v.toFixed(d === undefined ? 4 : d) + '';
    return String(v);
  }
  function dur(s) {
    if (s < 0) return 'unknown';
    if (s < 90) return Math.round(s) + ' s';
    if (s < 5400) return Math.round(s / 60) + ' min';
    return (s / 3600).toFixed(1) + ' h';
  }

  // chart makes a panel in parent for option. Panels are drawn after the
  // layout, those on the first screen first (then the page is ready), the
  // others a few at a time, so that a large sweep opens at once.
  var queue = [];
  function chart(parent, id, option, cls) {
    var div = el('div', { cls: 'chart' + (cls ? ' ' + cls : ''), 'data-chart': id });
    parent.appendChild(div);
    option.animation = false;
    option.color = option.color || palette;
    queue.push({ div: div, id: id, option: option });
  }
  function draw(q) {
    var c = echarts.init(q.div, null, { renderer: 'canvas' });
    c.setOption(q.option);
    charts[q.id] = c;
  }
  var generation = 0;
  function drawQueued() {
    var gen = ++generation, h = window.innerHeight;
    var first = queue.filter(function (q) { return q.div.getBoundingClientRect().top < h; });
    var rest = queue.filter(function (q) { return q.div.getBoundingClientRect().top >= h; });
    queue = [];
    first.forEach(draw);
    window.explorer.ready = true;
    window.explorer.drawnAt = performance.now(); // ms since the navigation started
    (function more() {
      if (gen !== generation) return; // a newer render took over
      rest.splice(0, 3).forEach(draw);
      if (rest.length) setTimeout(more, 0);
      else { window.explorer.complete = true; window.explorer.completeAt = performance.now(); }
    })();
  }
  // LONG is the number of blocks from which a block axis is logarithmic,
  // as in lc.png: the early blocks of a long run stay readable.
  var LONG = 64;
  function lineOpts(title, xname, yname, ymax, blocks) {
    var o = {
      title: { text: title, left: 'center', textStyle: { fontSize: 13 } },
      tooltip: { trigger: 'axis' },
      legend: { top: 24, type: 'scroll', itemWidth: 18, itemGap: 6, textStyle: { fontSize: 11 } },
      grid: { left: 50, right: 16, top: 58, bottom: 44 },
      xAxis: { type: 'value', name: xname, nameLocation: 'middle', nameGap: 24, min: 'dataMin', max: 'dataMax' },
      yAxis: { type: 'value', name: yname, min: 0, max: ymax, nameLocation: 'middle', nameGap: 36 },
      dataZoom: [{ type: 'inside', xAxisIndex: 0, filterMode: 'none' }],
      series: []
    };
    if (blocks > LONG) o.xAxis = { type: 'log', name: xname + ' (log scale)', nameLocation: 'middle', nameGap: 24, min: 1, max: 'dataMax' };
    return o;
  }
  // ymax returns an upper limit that fits the curves.
  function ymax(arrays, cap) {
    var m = 0;
    arrays.forEach(function (a) { (a || []).forEach(function (v) { if (v !== null && v > m) m = v; }); });
    m = m * 1.08 || 1;
    var step = m > 2 ? 1 : m > 0.5 ? 0.1 : m > 0.1 ? 0.05 : 0.01;
    m = Math.ceil(m / step) * step;
    return cap ? Math.min(cap, +m.toFixed(3)) : +m.toFixed(3);
  }
  function xy(y, x0) { return y.map(function (v, i) { return [i + (x0 === undefined ? 1 : x0), v]; }); }
  function line(name, y, style, extra) {
    var s = {
      type: 'line', name: name, data: y, showSymbol: !!style.symbol && y.length <= LONG, symbol: style.symbol || 'none', symbolSize: 6,
      sampling: 'lttb', lineStyle: { type: style.type || 'solid', width: style.width || 1.5, color: style.color },
      itemStyle: { color: style.color }, emphasis: { focus: 'series' }
    };
    for (var k in extra || {}) s[k] = extra[k];
    return s;
  }
  // band returns the two stacked series that shade lo…hi.
  function band(id, lo, hi, color) {
    return [
      // stackStrategy 'all': a band below 0 (an attention weight) stacks its width on its lower edge too
      { type: 'line', id: 'band:' + id + ':lo', data: xy(lo), stack: 'band:' + id, stackStrategy: 'all', symbol: 'none', silent: true,
        lineStyle: { opacity: 0 }, tooltip: { show: false } },
      { type: 'line', id: 'band:' + id + ':hi', data: xy(hi.map(function (v, i) { return v - lo[i]; })), stack: 'band:' + id, stackStrategy: 'all',
        symbol: 'none', silent: true, lineStyle: { opacity: 0 }, areaStyle: { color: color, opacity: 0.18 }, tooltip: { show: false } }
    ];
  }
  function legendOf(opt) {
    opt.legend.data = opt.series.filter(function (s) { return !String(s.id || '').startsWith('band:'); }).map(function (s) { return s.name; });
  }
  function taskLabel(t) {
    var m = /^type(\d)$/.exec(t);
    return m ? 'SHJ type ' + ['', 'I', 'II', 'III', 'IV', 'V', 'VI'][+m[1]] : (t || 'task');
  }
  function details(summary, label) {
    var pre = el('pre', { text: JSON.stringify(summary, null, 2) });
    return el('details', {}, el('summary', { text: label }), pre);
  }

  // ---- a model's run --------------------------------------------------
  function renderRun(root, f, fi) {
    var r = f.run;
    var runs = (r.lc[0] && r.lc[0].runs) || 0;
    root.appendChild(el('p', { cls: 'meta', text: r.model + (r.dual ? ' (dual stream: fast + slow)' : '') + ' · ' +
      r.tasks.length + ' task(s) · ' + (runs ? runs + ' runs, bands: mean ± 1 SD over runs' : 'means only (no per-run curves in this folder)') }));
    var side = el('div', { cls: 'side' });
    root.appendChild(side);
    var left = el('div'), right = el('div');
    side.appendChild(left); side.appendChild(right);
    left.appendChild(el('h3', { text: 'Learning curves (probability of error)' + (r.human && r.human.length ? '; humans: Nosofsky et al. (1994)' : '') }));
    var g = el('div', { cls: 'grid' });
    left.appendChild(g);
    if (!r.dual && r.tasks.length > 1) { // the classic figure: every task's mean in one panel
      var o = lineOpts('all tasks', 'block', 'p(error)', ymax(r.lc.map(function (c) { return c.mean; }), 1), r.lc[0].mean.length);
      r.lc.forEach(function (c, i) { o.series.push(line(taskLabel(c.task), xy(c.mean), { color: palette[i % palette.length] })); });
      legendOf(o);
      chart(g, 'f' + fi + '-lc-all', o);
    }
    r.tasks.forEach(function (t, ti) {
      var cs = r.lc.filter(function (c) { return c.task === t; });
      var hum = (r.human || []).filter(function (h) { return h.task === t; })[0];
      var o = lineOpts(taskLabel(t), 'block', 'p(error)', ymax(cs.map(function (c) { return c.hi || c.mean; }).concat(hum ? [hum.y] : []), 1), cs[0].mean.length);
      cs.forEach(function (c) {
        var st = r.dual ? partStyle[c.part] : { color: palette[ti % palette.length] };
        if (c.lo) o.series = o.series.concat(band(c.part + t, c.lo, c.hi, st.color));
        o.series.push(line(r.dual ? c.part : 'model', xy(c.mean), st, { symbolSize: 5 }));
      });
      if (hum) o.series.push(line('humans', hum.x.map(function (x, i) { return [x, hum.y[i]]; }),
        { color: '#777', type: 'dashed', symbol: 'rect', width: 1.2 }));
      legendOf(o);
      chart(g, 'f' + fi + '-lc-' + ti, o);
    });
    right.appendChild(el('h3', { text: 'Loss' }));
    var gl = el('div', { cls: 'grid' });
    right.appendChild(gl);
    r.tasks.forEach(function (t, ti) {
      var cs = r.loss.filter(function (c) { return c.task === t; });
      var o = lineOpts(taskLabel(t), 'block', 'loss', ymax(cs.map(function (c) { return c.hi || c.mean; })), cs[0].mean.length);
      cs.forEach(function (c) {
        var st = r.dual ? partStyle[c.part] : { color: palette[ti % palette.length] };
        if (c.lo) o.series = o.series.concat(band('loss' + c.part + t, c.lo, c.hi, st.color));
        o.series.push(line(r.dual ? c.part : 'loss', xy(c.mean), st, { symbolSize: 5 }));
      });
      legendOf(o);
      chart(gl, 'f' + fi + '-loss-' + ti, o);
    });
    renderAnalyses(right, r, fi);
    root.appendChild(details(r.summary, 'config and summary (summary.json)'));
  }

  // renderAnalyses draws the recruited units per task and the final
  // attention weights, where the summary has them.
  function renderAnalyses(parent, r, fi) {
    if (r.units && r.units.length) {
      parent.appendChild(el('h3', { text: 'Recruited units over blocks (mean ± 1 SD over runs)' }));
      var ug = el('div', { cls: 'grid' });
      parent.appendChild(ug);
      r.units.forEach(function (c, ti) {
        var o = lineOpts(taskLabel(c.task), 'block', 'units', ymax([c.hi]), c.mean.length);
        var col = palette[(r.dual ? 2 : r.tasks.indexOf(c.task)) % palette.length];
        o.series = band('units' + ti, c.lo, c.hi, col).concat([line('units', xy(c.mean), { color: col })]);
        legendOf(o);
        chart(ug, 'f' + fi + '-unitsblocks-' + ti, o);
      });
    }
    // What the model recorded at every block's end (its attention): a
    // panel per task and quantity, a curve per dimension with its band.
    if (r.observed && r.observed.length) {
      var names = [];
      r.observed.forEach(function (q) { if (names.indexOf(q.name) < 0) names.push(q.name); });
      names.forEach(function (name) {
        var m = /^(.*?)(?:_(fast|slow))?$/.exec(name);
        parent.appendChild(el('h3', { text: m[1].charAt(0).toUpperCase() + m[1].slice(1) + ' over blocks' +
          (m[2] ? ' (the ' + m[2] + ' stream)' : '') + ', per dimension (mean ± 1 SD over runs)' }));
        var ag = el('div', { cls: 'grid' });
        parent.appendChild(ag);
        r.observed.forEach(function (q, qi) {
          if (q.name !== name) return;
          var o = lineOpts(taskLabel(q.task), 'block', m[1], ymax(q.dims.map(function (c) { return c.hi; })), q.dims[0].mean.length);
          // weights may go below 0 (a clustering model stores them before its constraint)
          var lowest = Math.min.apply(null, q.dims.map(function (c) { return Math.min.apply(null, c.lo); }));
          if (lowest < 0) o.yAxis.min = -ymax([[-lowest]]);
          q.dims.forEach(function (c, j) {
            var col = palette[j % palette.length];
            o.series = o.series.concat(band('obs' + qi + ':' + j, c.lo, c.hi, col));
            o.series.push(line('dim ' + (j + 1), xy(c.mean), { color: col }));
          });
          legendOf(o);
          chart(ag, 'f' + fi + '-observed-' + qi, o);
        });
      });
    }
    var tasks = r.summary.tasks || [];
    var units = tasks.map(function (t) { return t.recruited_units || {}; });
    if (units.some(function (u) { return u.mean > 0; })) {
      parent.appendChild(el('h3', { text: 'Recruited units after training (mean, min and max over runs)' }));
      var o = {
        title: { text: 'units', left: 'center', textStyle: { fontSize: 13 } }, tooltip: { trigger: 'axis' },
        grid: { left: 50, right: 16, top: 40, bottom: 30 },
        xAxis: { type: 'category', data: tasks.map(function (t) { return t.task; }) }, yAxis: { type: 'value', min: 0 },
        series: [
          { type: 'bar', name: 'mean', data: units.map(function (u) { return u.mean; }) },
          { type: 'scatter', name: 'min', symbol: 'triangle', data: units.map(function (u) { return u.min; }) },
          { type: 'scatter', name: 'max', symbol: 'triangle', symbolRotate: 180, data: units.map(function (u) { return u.max; }) }
        ]
      };
      chart(parent, 'f' + fi + '-units', o);
    }
    var att = [];
    var an = r.summary.analyses || {};
    Object.keys(an).forEach(function (k) {
      (Array.isArray(an[k]) ? an[k] : []).forEach(function (a) {
        // as the next trial uses it (normalised, for the clustering model), as over blocks
        var w = a && (a.mean_final_attention_normalised || a.mean_final_attention);
        if (Array.isArray(w)) att.push({ task: a.task, w: w });
      });
    });
    if (att.length) {
      parent.appendChild(el('h3', { text: 'Attention after training (mean over runs)' }));
      var dims = att[0].w.map(function (_, i) { return 'dim ' + (i + 1); });
      var o2 = {
        tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 50, right: 16, top: 36, bottom: 30 },
        xAxis: { type: 'category', data: att.map(function (a) { return a.task; }) }, yAxis: { type: 'value' },
        series: dims.map(function (d, i) { return { type: 'bar', name: d, data: att.map(function (a) { return a.w[i]; }) }; })
      };
      chart(parent, 'f' + fi + '-attention', o2);
    }
  }

  // ---- a sweep --------------------------------------------------------
  function unpack(b64, nCurves, blocks) {
    var bin = atob(b64), out = [];
    for (var c = 0; c < nCurves; c++) {
      var y = [];
      for (var b = 0; b < blocks; b++) {
        var i = 2 * (c * blocks + b), q = bin.charCodeAt(i) | (bin.charCodeAt(i + 1) << 8);
        y.push(q === 65535 ? null : q / 65534);
      }
      out.push(y);
    }
    return out;
  }
  var metrics = [['area', 'area under the curve'], ['final', 'final error'], ['last', 'mean error of the last 10 blocks']];

  function renderSweep(root, f, fi) {
    var s = f.sweep;
    var key = 'f' + fi;
    var metric = state.metric[key] || 'area';
    var done = s.configs.filter(function (c) { return c.status === 'done'; });
    var p = el('div', { cls: 'progress' + (s.done + s.diverged < s.total ? ' running' : ''), id: key + '-progress' });
    p.textContent = (s.done + s.diverged) + '/' + s.total + ' configs finished (' + s.done + ' done, ' + s.diverged + ' diverged' +
      (s.unfinished ? ', ' + s.unfinished + ' being written' : '') + ')' +
      (s.done + s.diverged < s.total ? ' · ' + (s.rate > 0 ? s.rate.toFixed(2) + ' configs/min' : 'rate unknown') + ' · time left ' + dur(s.left) : '');
    root.appendChild(p);
    if (!s.configs.length) return;
    // the selection: the best five by the metric until the user picks
    var byMetric = done.slice().sort(function (a, b) { return a[metric] - b[metric]; });
    if (!state.selected[key]) state.selected[key] = byMetric.slice(0, 5).map(function (c) { return c.name; });
    var curves = {};
    s.configs.forEach(function (c) { if (c.packed) curves[c.name] = unpack(c.packed, s.curves.length, s.blocks); });
    // Served, the selected configs' curves come at full precision: the
    // page's own are quantised to 16 bits to keep it small.
    var full = state.full[key] = state.full[key] || {};
    if (state.live) fetchFull(fi, key, state.selected[key]);
    var curveOf = function (n, ci) {
      var fc = full[n], k = fc ? fc.columns.indexOf(s.curves[ci]) : -1;
      return k >= 0 ? fc.curves[k] : curves[n] && curves[n][ci];
    };

    var ctl = el('div', { cls: 'controls' });
    var sel = el('select', { id: key + '-metric' });
    metrics.forEach(function (m) { var o = el('option', { value: m[0], text: m[1] }); if (m[0] === metric) o.selected = true; sel.appendChild(o); });
    sel.onchange = function () { state.metric[key] = sel.value; render(); };
    var filt = el('input', { type: 'search', placeholder: 'filter rows (text in any cell)', id: key + '-filter', size: 30 });
    filt.value = state.filter[key] || '';
    var best = el('button', { text: 'best 5', id: key + '-best' });
    best.onclick = function () { state.selected[key] = byMetric.slice(0, 5).map(function (c) { return c.name; }); render(); };
    var none = el('button', { text: 'clear', id: key + '-clear' });
    none.onclick = function () { state.selected[key] = []; render(); };
    ctl.appendChild(el('label', { text: 'metric ' }, sel));
    ctl.appendChild(filt); ctl.appendChild(best); ctl.appendChild(none);
    root.appendChild(ctl);

    // the table
    var cols = [['name', 'config'], ['number', '#'], ['status', 'status'], ['area', 'area'], ['final', 'final'], ['last', 'last 10'], ['oat', 'OAT']];
    s.keys.forEach(function (k, i) { cols.push(['grid' + i, k]); });
    var srt = state.sort[key] || { col: metric, dir: 1 };
    var box = el('div', { cls: 'tablebox' });
    var table = el('table', { id: key + '-table' });
    var head = el('tr');
    cols.forEach(function (c) {
      var th = el('th', { text: c[1], 'data-col': c[0], cls: (c[0] === 'name' ? 'name ' : '') + (srt.col === c[0] ? (srt.dir > 0 ? 'sorted-asc' : 'sorted-desc') : '') });
      th.onclick = function () { state.sort[key] = { col: c[0], dir: srt.col === c[0] ? -srt.dir : 1 }; render(); };
      head.appendChild(th);
    });
    table.appendChild(el('thead', {}, head));
    var val = function (c, col) {
      if (col.startsWith('grid')) return c.grid[+col.slice(4)];
      if (col === 'oat') return c.oat === null || c.oat === undefined ? null : c.oat ? 'pass' : 'fail';
      return c[col];
    };
    var rows = s.configs.slice().sort(function (a, b) {
      var x = val(a, srt.col), y = val(b, srt.col);
      if (x === y) return a.number - b.number;
      if (x === null || x === undefined) return 1; // diverged configs last, whichever the order
      if (y === null || y === undefined) return -1;
      return (x < y ? -1 : 1) * srt.dir;
    });
    var q = (state.filter[key] || '').toLowerCase();
    var tbody = el('tbody');
    var selected = state.selected[key];
    rows.forEach(function (c) {
      var cells = cols.map(function (col) { return fmt(val(c, col[0])); });
      if (q && cells.join(' ').toLowerCase().indexOf(q) < 0) return;
      var tr = el('tr', { 'data-config': c.name, cls: (c.status === 'diverged' ? 'diverged' : '') + (selected.indexOf(c.name) >= 0 ? ' selected' : '') });
      if (c.diverged_at) tr.title = 'diverged at ' + c.diverged_at;
      cells.forEach(function (t, i) { tr.appendChild(el('td', { text: t, cls: i === 0 ? 'name' : '' })); });
      if (c.status === 'done') tr.onclick = function () {
        var k = selected.indexOf(c.name);
        if (k >= 0) selected.splice(k, 1); else selected.push(c.name);
        render();
      };
      tbody.appendChild(tr);
    });
    table.appendChild(tbody);
    box.appendChild(table);
    filt.oninput = function () { state.filter[key] = filt.value; render(); document.getElementById(key + '-filter').focus(); };

    root.appendChild(el('h3', { text: 'Configs (click a column to sort, a row to overlay its curves; diverged configs in red)' }));
    root.appendChild(box);
    root.appendChild(el('h3', { text: 'Learning curves of the selected configs (' + s.curves.join(', ') + ')' +
      (state.live ? '; at full precision from the server once fetched' : '') }));
    var og = el('div', { cls: 'grid wide' });
    root.appendChild(og);
    s.curves.forEach(function (cname, ci) {
      var ys = selected.map(function (n) { return curveOf(n, ci); }).filter(Boolean);
      var o = lineOpts(cname, 'block', 'p(error)', ymax(ys, 1), s.blocks);
      selected.forEach(function (n, i) {
        var y = curveOf(n, ci);
        if (y) o.series.push(line(n, xy(y), { color: palette[i % palette.length], width: 1.6 }));
      });
      legendOf(o);
      chart(og, key + '-overlay-' + ci, o);
    });

    // the metric against each grid key, and parallel coordinates
    root.appendChild(el('h3', { text: metrics.filter(function (m) { return m[0] === metric; })[0][1] + ' against each grid key' }));
    var sg = el('div', { cls: 'grid' });
    root.appendChild(sg);
    var axes = s.keys.map(function (k, i) { return axisOf(done.map(function (c) { return c.grid[i]; })); });
    s.keys.forEach(function (k, i) {
      var ax = axes[i];
      var o = {
        title: { text: k, left: 'center', textStyle: { fontSize: 13 } },
        tooltip: { trigger: 'item', formatter: function (p) { return p.data[2] + ': ' + fmt(p.data[1]); } },
        grid: { left: 56, right: 16, top: 36, bottom: 40 },
        xAxis: { type: ax.type, data: ax.data, name: k, nameLocation: 'middle', nameGap: 24, scale: true },
        yAxis: { type: 'value', name: metric, scale: true },
        series: [{ type: 'scatter', name: metric, symbolSize: 7, data: done.map(function (c) { return [ax.type === 'category' ? String(c.grid[i]) : c.grid[i], c[metric], c.name]; }) }]
      };
      chart(sg, key + '-key-' + i, o);
    });
    if (s.keys.length) {
      root.appendChild(el('h3', { text: 'Parallel coordinates: grid values → ' + metric + ' (colour: ' + metric + ')' }));
      var vals = done.map(function (c) { return c[metric]; });
      var pa = s.keys.map(function (k, i) { var ax = axes[i]; return { dim: i, name: k, type: ax.type, data: ax.data }; });
      pa.push({ dim: s.keys.length, name: metric, type: 'value', scale: true });
      var po = {
        parallelAxis: pa, parallel: { left: 60, right: 90, top: 40, bottom: 30 },
        visualMap: { type: 'continuous', dimension: s.keys.length, min: Math.min.apply(null, vals), max: Math.max.apply(null, vals),
          precision: 3, inRange: { color: ['#0072b2', '#e69f00', '#d55e00'] }, right: 0, top: 'middle', calculable: true },
        series: [{ type: 'parallel', name: 'configs', lineStyle: { width: 1.2, opacity: 0.6 },
          data: done.map(function (c) { return c.grid.map(function (v, i) { return axes[i].type === 'category' ? String(v) : v; }).concat([c[metric]]); }) }]
      };
      chart(root, key + '-parallel', po, 'tall');
    }
  }
  // fetchFull asks the server for the full-precision curves of the
  // configs in names that it has not given yet, and redraws once they are
  // all in.
  function fetchFull(fi, key, names) {
    var want = names.filter(function (n) { return !state.full[key][n] && !state.pending[key + '/' + n]; });
    if (!want.length) return;
    want.forEach(function (n) { state.pending[key + '/' + n] = true; });
    Promise.all(want.map(function (n) {
      return fetch('curves.json?folder=' + fi + '&path=' + encodeURIComponent(n), { cache: 'no-store' }).then(function (r) {
        if (!r.ok) return r.text().then(function (t) { throw new Error(n + ': ' + t.trim()); });
        return r.json();
      }).then(function (c) { state.full[key][n] = c; });
    })).then(render, function (e) {
      var l = document.getElementById('live');
      if (l) l.textContent = 'live: full-precision curves unavailable (' + e.message + ')';
    });
  }
  // axisOf chooses an axis for a grid key's values: logarithmic for
  // positive numbers spanning more than two decades, linear for other
  // numbers, categories otherwise.
  function axisOf(vs) {
    var nums = vs.every(function (v) { return typeof v === 'number'; });
    if (nums && vs.length) {
      var lo = Math.min.apply(null, vs), hi = Math.max.apply(null, vs);
      return { type: lo > 0 && hi / lo > 100 ? 'log' : 'value' };
    }
    var cats = [];
    vs.forEach(function (v) { if (cats.indexOf(String(v)) < 0) cats.push(String(v)); });
    return { type: 'category', data: cats };
  }

  // ---- a fit ----------------------------------------------------------
  function renderFit(root, f, fi) {
    var ft = f.fit, sum = ft.summary, best = sum.best || {};
    var ps = Object.keys(best.params || {}).map(function (k) { return k + ' = ' + fmt(best.params[k]); }).join(', ');
    root.appendChild(el('p', { cls: 'meta', text: ft.model + ' fitted to ' + sum.data + ': ' + ps + ' · loss (' + sum.loss + ') ' +
      fmt(best.loss) + ', RMSE ' + fmt(best.rmse) + ' · ' + sum.evaluations + ' evaluations, ' + sum.runs + ' runs per evaluation' }));
    var side = el('div', { cls: 'side' });
    var left = el('div'), right = el('div');
    side.appendChild(left); side.appendChild(right);
    root.appendChild(side);
    var runs = (ft.conditions[0] && ft.conditions[0].runs) || 0;
    left.appendChild(el('h3', { text: 'Model against data per condition' + (runs ? ' (band: ± 1 SD over the best parameters\' ' + runs + ' runs)' : '') }));
    var g = el('div', { cls: 'grid' });
    left.appendChild(g);
    ft.conditions.forEach(function (c, ci) {
      var col = palette[ci % palette.length];
      var o = lineOpts(taskLabel(c.task), 'block of ' + ft.block_trials + ' trials', 'p(error)', ymax([c.data, c.hi || c.model], 1));
      if (c.lo) o.series = o.series.concat(band('cond' + ci, c.lo, c.hi, col));
      o.series.push(line('data', xy(c.data), { color: '#777', type: 'dashed', symbol: 'rect', width: 1.2 }));
      o.series.push(line('model', xy(c.model), { color: col, symbol: 'circle' }));
      legendOf(o);
      chart(g, 'f' + fi + '-cond-' + ci, o);
    });
    right.appendChild(el('h3', { text: 'The search' }));
    var tr = ft.trace, phases = [];
    tr.phase.forEach(function (p) { if (phases.indexOf(p) < 0) phases.push(p); });
    var lo = lineOpts('loss over evaluations', 'evaluation', 'loss');
    lo.tooltip = { trigger: 'item' };
    lo.yAxis = { type: 'log', name: 'loss', scale: true };
    phases.forEach(function (p, i) {
      lo.series.push({ type: 'scatter', name: p, symbolSize: 6, itemStyle: { color: palette[i % palette.length] },
        data: tr.eval.map(function (e, k) { return tr.phase[k] === p && tr.loss[k] !== null ? [e, tr.loss[k]] : null; }).filter(Boolean) });
    });
    legendOf(lo);
    var rg = el('div', { cls: 'grid' });
    right.appendChild(rg);
    chart(rg, 'f' + fi + '-loss', lo);
    ft.params.forEach(function (k, i) {
      var o = lineOpts(k, 'evaluation', k);
      o.yAxis = { type: 'value', name: k, scale: true };
      o.series.push(line(k, tr.eval.map(function (e, j) { return [e, tr.params[k][j]]; }), { color: palette[(i + 2) % palette.length], symbol: 'circle' }, { symbolSize: 4 }));
      legendOf(o);
      chart(rg, 'f' + fi + '-param-' + i, o);
    });
    if (best.oat && best.oat.mean_error) {
      var types = ['I', 'II', 'III', 'IV', 'V', 'VI'];
      var oo = {
        title: { text: 'ordinal adequacy: model ' + (best.oat.pass ? 'passes' : 'fails'), left: 'center', textStyle: { fontSize: 13 } },
        tooltip: { trigger: 'axis' }, legend: { top: 22 }, grid: { left: 50, right: 16, top: 58, bottom: 30 },
        xAxis: { type: 'category', data: types }, yAxis: { type: 'value', name: 'mean error' },
        series: [{ type: 'bar', name: 'model', data: best.oat.mean_error }]
      };
      if (sum.human_oat) oo.series.push({ type: 'bar', name: 'human', data: sum.human_oat.mean_error, itemStyle: { color: '#999' } });
      chart(rg, 'f' + fi + '-oat', oo);
    }
    if (sum.noise) {
      var n = sum.noise;
      right.appendChild(el('p', { cls: 'meta', id: 'f' + fi + '-noise', text: 'Noise: at ' + n.seeds.length + ' seeds (the fit\'s and ' + (n.seeds.length - 1) + ' others) the best parameters give loss ' +
        fmt(n.loss.mean) + ' ± ' + fmt(n.loss.sd) + ' (min ' + fmt(n.loss.min) + ', max ' + fmt(n.loss.max) + ')' }));
    }
    root.appendChild(details(sum, 'fit.json'));
  }

  // ---- several folders side by side -------------------------------------
  // curvesOf returns a folder's curves by task: a run's totals, a fit's
  // model and data, a sweep's best config by area; x in trials when known.
  function curvesOf(f) {
    var out = [];
    if (f.kind === 'run') {
      f.run.lc.filter(function (c) { return c.part === 'total'; }).forEach(function (c) {
        var n = f.run.items[c.task] || 0;
        out.push({ task: c.task, name: f.name, x: c.mean.map(function (_, i) { return n ? (i + 1) * n : i + 1; }), y: c.mean, trials: !!n });
      });
    } else if (f.kind === 'fit') {
      f.fit.conditions.forEach(function (c) {
        var x = c.model.map(function (_, i) { return (i + 1) * f.fit.block_trials; });
        out.push({ task: c.task, name: f.name + ' (model)', x: x, y: c.model, trials: true });
        out.push({ task: c.task, name: f.name + ' (data)', x: x, y: c.data, trials: true, data: true });
      });
    } else if (f.kind === 'sweep') {
      var s = f.sweep, done = s.configs.filter(function (c) { return c.status === 'done'; });
      done.sort(function (a, b) { return a.area - b.area; });
      if (done.length) {
        var ys = unpack(done[0].packed, s.curves.length, s.blocks);
        s.curves.forEach(function (c, i) {
          var m = /^(?:total_)?(.*)$/.exec(c)[1];
          out.push({ task: m === 'total' ? (s.tasks && s.tasks.length === 1 ? s.tasks[0] : '') : m, name: f.name + ' best (' + done[0].name + ')',
            x: ys[i].map(function (_, b) { return s.items ? (b + 1) * s.items : b + 1; }), y: ys[i], trials: !!s.items });
        });
      }
    }
    return out;
  }
  function renderCompare(root, folders) {
    var all = [];
    folders.forEach(function (f, fi) { curvesOf(f).forEach(function (c) { c.folder = fi; all.push(c); }); });
    var tasks = [];
    all.forEach(function (c) { if (tasks.indexOf(c.task) < 0) tasks.push(c.task); });
    var trials = all.every(function (c) { return c.trials; });
    var g = el('div', { cls: 'grid wide' });
    root.appendChild(g);
    tasks.forEach(function (t, ti) {
      var cs = all.filter(function (c) { return c.task === t; });
      var o = lineOpts(taskLabel(t), trials ? 'trials' : 'block', 'p(error)', ymax(cs.map(function (c) { return c.y; }), 1));
      cs.forEach(function (c) {
        o.series.push(line(c.name, c.x.map(function (x, i) { return [trials ? x : i + 1, c.y[i]]; }),
          { color: palette[c.folder % palette.length], type: c.data ? 'dashed' : 'solid', symbol: c.data ? 'rect' : 'none' }));
      });
      legendOf(o);
      chart(g, 'compare-' + ti, o);
    });
  }

  function render() {
    var data = JSON.parse(state.raw);
    state.live = !!data.live;
    Object.keys(charts).forEach(function (k) { charts[k].dispose(); delete charts[k]; });
    queue = [];
    var app = document.getElementById('app');
    app.textContent = '';
    app.appendChild(el('h1', { text: data.title }));
    if (data.live) app.appendChild(el('p', { cls: 'meta', id: 'live', text: 'live: refreshes as configs finish' }));
    if (data.folders.length > 1) {
      var cmp = el('section', { id: 'compare' }, el('h2', { text: 'Side by side: ' + data.folders.map(function (f) { return f.name; }).join(', ') }));
      app.appendChild(cmp);
      renderCompare(cmp, data.folders);
    }
    data.folders.forEach(function (f, fi) {
      var sec = el('section', { cls: 'folder', id: 'f' + fi, 'data-kind': f.kind }, el('h2', { text: f.name + ' — ' + f.kind + ' (' + f.path + ')' }));
      app.appendChild(sec);
      ({ run: renderRun, sweep: renderSweep, fit: renderFit })[f.kind](sec, f, fi);
    });
    window.explorer.renders++;
    window.explorer.complete = false;
    drawQueued();
  }

  function start() {
    state.raw = document.getElementById('data').textContent;
    render();
    var data = JSON.parse(state.raw);
    if (data.live) {
      setInterval(function () {
        fetch('data.json', { cache: 'no-store' }).then(function (r) { return r.text(); }).then(function (t) {
          if (t.trim() !== state.raw.trim()) { state.raw = t; render(); }
        }).catch(function (e) { var l = document.getElementById('live'); if (l) l.textContent = 'live: server unreachable (' + e.message + ')'; });
      }, 2000);
    }
    window.addEventListener('resize', function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });
  }
  start();
})();
