/* Nexus dashboard views: each renders into `el` with the shared ctx (api, subscribe, onMessage)
   and may return a cleanup function. Data comes only from the authenticated JSON API. */
(function () {
  'use strict';
  const splitStream = (name) => { const i = name.indexOf('-'); return { type: name.slice(0, i), id: name.slice(i + 1) }; };
  const streamLink = (ctx, s) => '<a href="#streams" data-stream="' + ctx.esc(s) + '">' + ctx.esc(s) + '</a>';
  const bindStreamLinks = (el, ctx) => el.querySelectorAll('[data-stream]').forEach((a) => a.addEventListener('click', (e) => { e.preventDefault(); ctx.go('streams', a.dataset.stream); }));
  const fmtMs = (ms) => (ms === undefined || ms === null ? '—' : ms < 1000 ? Math.round(ms) + ' ms' : (ms / 1000).toFixed(1) + ' s');

  async function live(el, ctx) {
    el.innerHTML = '<div class="grid"><div class="card" style="grid-column: 1 / -1"><h2>Live events <span class="muted" id="live-count"></span></h2>' +
      '<p class="muted">Newest first. New events arrive over the WebSocket notifier (projection channels) and flash.</p><table id="live-events"><thead><tr><th>Recorded</th><th>Stream</th><th>v</th><th>Type</th><th>Data</th></tr></thead><tbody></tbody></table></div>' +
      '<div class="card"><h2>Projections</h2><div id="live-proj"></div></div><div class="card"><h2>Notifications</h2><ul id="live-notes" class="timeline"></ul></div></div>';
    const seen = new Set();
    let first = true;
    async function refresh() {
      const { events } = await ctx.api('/admin/dashboard/events?limit=40');
      const rows = events.map((e) => '<tr data-event="' + ctx.esc(e.eventId) + '"' + (!first && !seen.has(e.eventId) ? ' class="fresh"' : '') + '><td class="muted">' + ctx.esc(new Date(e.recordedAt).toLocaleTimeString()) + '</td><td>' + streamLink(ctx, e.stream) + '</td><td>' + e.version + '</td><td><b>' + ctx.esc(e.type) + '</b></td><td class="mono muted">' + ctx.esc(JSON.stringify(e.data).slice(0, 110)) + '</td></tr>');
      events.forEach((e) => seen.add(e.eventId));
      first = false;
      const tbody = el.querySelector('#live-events tbody');
      if (!tbody) return;
      tbody.innerHTML = rows.join('') || '<tr><td colspan="5" class="muted">No events yet: place an order (see the curl lines printed by npm start).</td></tr>';
      el.querySelector('#live-count').textContent = '(' + events.length + ')';
      bindStreamLinks(el, ctx);
      const { projections } = await ctx.api('/admin/dashboard/projections');
      const proj = el.querySelector('#live-proj');
      if (proj) proj.innerHTML = '<table><tr><th>Projection</th><th>Applied</th><th>Lag</th></tr>' + projections.map((p) => '<tr><td>' + ctx.esc(p.name) + '</td><td>' + p.stats.applied + '</td><td>' + fmtMs(p.lagMs) + '</td></tr>').join('') + '</table>';
    }
    await refresh();
    let timer = null;
    const off = ctx.onMessage((msg) => {
      if (msg.type !== 'notification') return;
      const notes = el.querySelector('#live-notes');
      if (notes) {
        const li = document.createElement('li');
        li.innerHTML = '<b>' + ctx.esc(msg.channel) + '</b> ' + ctx.esc(msg.event) + ' <span class="muted">' + ctx.esc((msg.payload && msg.payload.streamId) || '') + '</span>';
        notes.prepend(li);
        while (notes.children.length > 12) notes.lastChild.remove();
      }
      clearTimeout(timer);
      timer = setTimeout(() => refresh().catch(() => undefined), 150);
    });
    ctx.subscribe('projection:orderSummary');
    ctx.subscribe('projection:customerOrders');
    const poll = setInterval(() => refresh().catch(() => undefined), 5000);
    return () => { off(); clearInterval(poll); clearTimeout(timer); };
  }

  async function streams(el, ctx) {
    let name = ctx.arg;
    if (!name) { const { events } = await ctx.api('/admin/dashboard/events?limit=1'); name = events[0] ? events[0].stream : 'Order-1'; }
    el.innerHTML = '<div class="card"><h2>Stream browser</h2><form class="row" id="stream-form"><input id="stream-name" value="' + ctx.esc(name) + '" placeholder="Order-42"><button class="primary">Open</button></form><div id="stream-body"></div></div>';
    el.querySelector('#stream-form').addEventListener('submit', (e) => { e.preventDefault(); ctx.arg = el.querySelector('#stream-name').value.trim(); load(ctx.arg); });
    async function load(stream) {
      const body = el.querySelector('#stream-body');
      let data;
      try { data = await ctx.api('/streams/' + encodeURIComponent(stream)); } catch (err) { body.innerHTML = '<p class="error">' + ctx.esc(err.message) + '</p>'; return; }
      const max = data.currentVersion || data.version || 0;
      if (max === 0) { body.innerHTML = '<p class="muted">Stream ' + ctx.esc(stream) + ' has no events.</p>'; return; }
      body.innerHTML = '<div class="row"><span>As of version</span><input type="range" id="asof" min="1" max="' + max + '" value="' + max + '"><b id="asof-label"></b></div>' +
        '<div class="grid"><div class="card"><h3>State as of <span id="asof-v"></span></h3><div id="asof-state"></div></div><div class="card"><h3>Events</h3><table id="stream-events"><tr><th>v</th><th>Type</th><th>Recorded</th></tr>' +
        data.events.map((e) => '<tr data-v="' + e.version + '"><td>' + e.version + '</td><td>' + ctx.esc(e.type) + '</td><td class="muted">' + ctx.esc(new Date(e.recordedAt).toLocaleTimeString()) + '</td></tr>').join('') + '</table></div></div>';
      const { type, id } = splitStream(stream);
      const show = async (v) => {
        el.querySelector('#asof-label').textContent = v + ' / ' + max;
        el.querySelector('#asof-v').textContent = 'v' + v;
        el.querySelectorAll('#stream-events tr[data-v]').forEach((tr) => { tr.style.opacity = Number(tr.dataset.v) <= v ? '1' : '0.35'; tr.style.fontWeight = Number(tr.dataset.v) === v ? '700' : ''; });
        try {
          const agg = await ctx.api('/aggregates/' + encodeURIComponent(type) + '/' + encodeURIComponent(id) + '?asOfVersion=' + v);
          if (Number(el.querySelector('#asof').value) === v) el.querySelector('#asof-state').innerHTML = ctx.json(agg.state);
        } catch (err) { el.querySelector('#asof-state').innerHTML = '<p class="error">' + ctx.esc(err.message) + '</p>'; }
      };
      el.querySelector('#asof').addEventListener('input', (e) => show(Number(e.target.value)));
      await show(max);
      ctx.subscribe('stream:' + stream);
    }
    await load(name);
    return ctx.onMessage((msg) => { if (msg.type === 'notification' && msg.channel === 'stream:' + ctx.arg) load(ctx.arg); });
  }

  async function projections(el, ctx) {
    const { projections } = await ctx.api('/admin/dashboard/projections');
    el.innerHTML = '<div class="card"><h2>Projections</h2><table><tr><th>Name</th><th>Event types</th><th>Applied</th><th>Duplicates</th><th>Failed</th><th>Lag (last event)</th><th>Last applied</th><th></th></tr>' +
      projections.map((p) => '<tr><td><b>' + ctx.esc(p.name) + '</b></td><td class="muted">' + ctx.esc(p.eventTypes.join(', ')) + '</td><td>' + p.stats.applied + '</td><td>' + p.stats.duplicates + '</td><td>' + p.stats.failed + '</td><td>' + fmtMs(p.lagMs) + '</td><td>' + ctx.ago(p.lastAppliedAt) + '</td><td><button data-rebuild="' + ctx.esc(p.name) + '">Rebuild</button></td></tr>').join('') +
      '</table><div id="rebuild-result" class="muted" style="margin-top:10px"></div></div>';
    el.querySelectorAll('[data-rebuild]').forEach((b) => b.addEventListener('click', async () => {
      b.disabled = true; b.textContent = 'Rebuilding…';
      try { const r = await ctx.api('/projections/' + encodeURIComponent(b.dataset.rebuild) + '/rebuild', { method: 'POST' }); el.querySelector('#rebuild-result').innerHTML = '<span class="ok">Rebuilt ' + ctx.esc(r.projection) + '</span>: ' + r.events + ' events read, ' + r.applied + ' applied in ' + r.durationMs + ' ms into ' + ctx.esc(r.index); } catch (err) { el.querySelector('#rebuild-result').innerHTML = '<span class="error">' + ctx.esc(err.message) + '</span>'; }
      b.disabled = false; b.textContent = 'Rebuild';
    }));
  }

  async function sagas(el, ctx) {
    const { sagas } = await ctx.api('/admin/dashboard/sagas');
    el.innerHTML = '<div class="grid">' + sagas.map((s) => '<div class="card"><h2>' + ctx.esc(s.name) + '</h2><p class="muted">inputs ' + s.stats.inputs + ' · commands ' + s.stats.commandsIssued + ' · rejected ' + s.stats.commandsRejected + ' · timeouts ' + s.stats.timeoutsFired + '</p><table>' +
      s.instances.slice().reverse().map((i) => '<tr><td><a href="#sagas" data-saga="' + ctx.esc(i.id) + '">' + ctx.esc(i.id) + '</a></td><td><span class="pill ' + (i.status === 'completed' ? 'ok' : i.status === 'active' ? 'warn' : 'bad') + '">' + ctx.esc(i.status) + '</span></td></tr>').join('') + '</table></div>').join('') +
      '<div class="card"><h2>Timeline</h2><div id="saga-timeline" class="muted">Pick an instance.</div></div></div>';
    el.querySelectorAll('[data-saga]').forEach((a) => a.addEventListener('click', async (e) => {
      e.preventDefault();
      const inst = await ctx.api('/sagas/' + encodeURIComponent(a.dataset.saga));
      el.querySelector('#saga-timeline').innerHTML = '<p><b>' + ctx.esc(inst.id) + '</b> <span class="pill">' + ctx.esc(inst.status) + '</span></p><ul class="timeline">' + inst.history.map((h) => {
        const input = h.input || {};
        const what = input.kind === 'event' ? 'event ' + input.type : input.kind === 'timeout' ? 'timeout ' + input.name : 'command result ' + ((input.command && input.command.type) || '') + (input.ok === false ? ' (rejected)' : '');
        const cmds = (h.commands || []).map((c) => '→ ' + c.type + ' ' + c.aggregateType + '-' + c.aggregateId).join('<br>');
        return '<li><span class="muted">' + ctx.esc(new Date(h.recordedAt).toLocaleTimeString()) + '</span> ' + ctx.esc(what) + ' <span class="pill">' + ctx.esc(h.status) + '</span>' + (cmds ? '<div class="mono">' + cmds + '</div>' : '') + '</li>';
      }).join('') + '</ul>';
    }));
  }

  // One page of the tenant's dead letters, oldest first; `cursor` is the nextCursor of the page before.
  async function dlq(el, ctx, cursor) {
    const data = await ctx.api('/admin/dlq?limit=200' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    const paging = (cursor ? '<button id="dlq-first">First page</button>' : '') + (data.nextCursor ? '<button id="dlq-next">Next page</button>' : '');
    el.innerHTML = '<div class="card"><h2>Dead letters <span class="muted">(' + data.total + ')</span></h2><div class="row"><button class="primary" id="redrive-all"' + (data.total ? '' : ' disabled') + '>Redrive all</button>' + paging + '<span id="dlq-result" class="muted"></span></div><table id="dlq-table"><tr><th>Group</th><th>Type</th><th>Subject</th><th>Attempts</th><th>Error</th><th>When</th><th></th></tr>' +
      data.items.map((d) => '<tr data-dlq="' + ctx.esc(d.id) + '"><td>' + ctx.esc(d.group) + '</td><td>' + ctx.esc(d.type) + '</td><td class="mono">' + ctx.esc(d.subject) + '</td><td>' + d.attempts + '</td><td class="error">' + ctx.esc(String(d.error || '').slice(0, 140)) + '</td><td class="muted">' + ctx.ago(d.deadLetteredAt) + '</td><td><button data-redrive="' + ctx.esc(d.id) + '">Redrive</button></td></tr>').join('') +
      (data.total ? '' : '<tr><td colspan="7" class="muted">No dead letters. Poison messages land here after their retries.</td></tr>') + '</table></div>';
    const redrive = async (ids) => {
      const r = await ctx.api('/admin/dlq/redrive', { method: 'POST', body: ids ? { ids: ids } : {} });
      await dlq(el, ctx);
      el.querySelector('#dlq-result').innerHTML = '<span class="ok">Redriven: ' + r.redriven + '</span>';
    };
    el.querySelectorAll('[data-redrive]').forEach((b) => b.addEventListener('click', () => redrive([b.dataset.redrive])));
    el.querySelector('#redrive-all').addEventListener('click', () => redrive(undefined));
    if (data.nextCursor) el.querySelector('#dlq-next').addEventListener('click', () => dlq(el, ctx, data.nextCursor));
    if (cursor) el.querySelector('#dlq-first').addEventListener('click', () => dlq(el, ctx));
  }

  async function schemas(el, ctx) {
    const subjects = await ctx.api('/registry/subjects');
    const global = await ctx.api('/registry/config').catch(() => ({}));
    const rows = await Promise.all(subjects.map(async (s) => {
      const [versions, cfg] = await Promise.all([ctx.api('/registry/subjects/' + encodeURIComponent(s) + '/versions'), ctx.api('/registry/config/' + encodeURIComponent(s) + '?defaultToGlobal=true').catch(() => ({}))]);
      return { subject: s, versions: versions, compatibility: cfg.compatibilityLevel || global.compatibilityLevel || '—' };
    }));
    el.innerHTML = '<div class="grid"><div class="card"><h2>Schemas <span class="muted">(' + rows.length + ' subjects, global ' + ctx.esc(global.compatibilityLevel || '—') + ')</span></h2><table><tr><th>Subject</th><th>Versions</th><th>Compatibility</th></tr>' +
      rows.map((r) => '<tr><td><a href="#schemas" data-subject="' + ctx.esc(r.subject) + '">' + ctx.esc(r.subject) + '</a></td><td>' + r.versions.map((v) => '<a href="#schemas" data-subject="' + ctx.esc(r.subject) + '" data-version="' + v + '">v' + v + '</a>').join(' ') + '</td><td><span class="pill">' + ctx.esc(r.compatibility) + '</span></td></tr>').join('') +
      '</table></div><div class="card"><h2 id="schema-title">Schema</h2><div id="schema-body" class="muted">Pick a subject.</div></div></div>';
    el.querySelectorAll('[data-subject]').forEach((a) => a.addEventListener('click', async (e) => {
      e.preventDefault();
      const v = a.dataset.version || 'latest';
      const s = await ctx.api('/registry/subjects/' + encodeURIComponent(a.dataset.subject) + '/versions/' + v);
      el.querySelector('#schema-title').textContent = s.subject + ' v' + s.version + ' (id ' + s.id + ')';
      let schema = s.schema; try { schema = JSON.parse(s.schema); } catch { /* keep the text */ }
      el.querySelector('#schema-body').innerHTML = ctx.json(schema);
    }));
  }

  async function traces(el, ctx) {
    const { traces } = await ctx.api('/traces?limit=50');
    el.innerHTML = '<div class="grid"><div class="card"><h2>Recent traces</h2><table><tr><th>Root</th><th>Spans</th><th>Duration</th><th>Started</th></tr>' +
      traces.map((t) => '<tr><td><a href="#traces" data-trace="' + t.traceId + '">' + ctx.esc(t.root) + '</a>' + (t.errors ? ' <span class="pill bad">' + t.errors + ' errors</span>' : '') + '</td><td>' + t.spans + '</td><td>' + fmtMs(t.durationMs) + '</td><td class="muted">' + ctx.ago(t.startTime) + '</td></tr>').join('') +
      '</table></div><div class="card" style="grid-column: span 2"><h2>Trace</h2><div id="trace-body" class="muted">Pick a trace: a command, its append, the relay, projections, sagas and notifications in one tree.</div></div></div>';
    el.querySelectorAll('[data-trace]').forEach((a) => a.addEventListener('click', async (e) => {
      e.preventDefault();
      const { spans } = await ctx.api('/traces/' + a.dataset.trace);
      const byParent = new Map(); const ids = new Set(spans.map((s) => s.spanId));
      spans.forEach((s) => { const p = s.parentSpanId && ids.has(s.parentSpanId) ? s.parentSpanId : ''; if (!byParent.has(p)) byParent.set(p, []); byParent.get(p).push(s); });
      const t0 = Math.min.apply(null, spans.map((s) => Date.parse(s.startTime)));
      const t1 = Math.max.apply(null, spans.map((s) => Date.parse(s.startTime) + s.durationMs));
      const total = Math.max(1, t1 - t0); const out = [];
      const walk = (p, depth) => (byParent.get(p) || []).forEach((s) => {
        const left = ((Date.parse(s.startTime) - t0) / total) * 100; const width = Math.max(0.5, (s.durationMs / total) * 100);
        out.push('<div class="span' + (s.status === 'error' ? ' err' : '') + '"><div style="padding-left:' + depth * 14 + 'px" title="' + ctx.esc(JSON.stringify(s.attributes)) + '">' + ctx.esc(s.name) + '</div><div class="track"><span style="left:' + left + '%;width:' + width + '%"></span></div><div class="muted">' + fmtMs(s.durationMs) + '</div></div>');
        walk(s.spanId, depth + 1);
      });
      walk('', 0);
      el.querySelector('#trace-body').innerHTML = '<p class="mono muted">' + a.dataset.trace + '</p><div class="spans">' + out.join('') + '</div>';
    }));
  }

  async function clouds(el, ctx) {
    let timer = null;
    const draw = async () => {
      const { stacks } = await ctx.api('/admin/dashboard/clouds');
      el.innerHTML = '<p class="muted">Each stack planned offline with <code>nexus plan</code> (the Pulumi program under mocks), the CrossGuard pack run over the plan, and the monthly cost estimated from the planned resources.</p><div class="cols3">' + stacks.map((s) => {
        if (s.status === 'planning') return '<div class="card"><h2>' + ctx.esc(s.stack) + '</h2><p class="muted">Planning… (about 10 s, once)</p><div class="bar"><span style="width:40%"></span></div></div>';
        if (s.status === 'failed') return '<div class="card"><h2>' + ctx.esc(s.stack) + '</h2><p class="error">' + ctx.esc(s.error) + '</p></div>';
        const p = s.plan; const pol = p.policy;
        const counts = pol.available ? pol.violations.reduce((m, v) => { m[v.level] = (m[v.level] || 0) + 1; return m; }, {}) : {};
        const policy = pol.available ? '<p>' + (pol.violations.length === 0 ? '<span class="pill ok">all ' + pol.policies + ' policies pass</span>' : Object.keys(counts).map((l) => '<span class="pill ' + (l === 'mandatory' ? 'bad' : 'warn') + '">' + counts[l] + ' ' + ctx.esc(l) + '</span>').join(' ')) + ' <span class="muted">' + ctx.esc(pol.pack) + '</span></p>' +
          (pol.violations.length ? '<ul>' + pol.violations.slice(0, 6).map((v) => '<li><b>' + ctx.esc(v.policy) + '</b> <span class="muted">' + ctx.esc(v.message.slice(0, 160)) + '</span></li>').join('') + '</ul>' : '') : '<p class="muted">Policy runner unavailable: ' + ctx.esc(pol.reason) + '</p>';
        return '<div class="card" data-cloud="' + ctx.esc(p.cloud) + '"><h2>' + ctx.esc(p.cloud.toUpperCase()) + ' <span class="muted">' + ctx.esc(p.stack) + '</span></h2>' +
          '<div class="kpis"><div><span class="big">' + p.resourceCount + '</span><span class="muted">resources</span></div><div><span class="big">$' + p.cost.totalUsd.toLocaleString() + '</span><span class="muted">est. per month</span></div><div><span class="big">' + (p.planMs / 1000).toFixed(1) + ' s</span><span class="muted">to plan</span></div></div>' +
          '<div class="graph">' + window.NexusGraph.render(p.graph) + '</div><h3 style="margin-top:12px">Policies</h3>' + policy +
          '<h3>Components</h3><table>' + p.components.map((c) => '<tr><td>' + ctx.esc(c.component) + '</td><td class="muted">' + ctx.esc(c.type) + '</td><td>' + c.resources + '</td></tr>').join('') + '</table>' +
          '<h3 style="margin-top:12px">Largest costs</h3><table>' + p.cost.top.slice(0, 5).map((l) => '<tr><td>' + ctx.esc(l.resource) + '</td><td>$' + l.usd.toFixed(2) + '</td></tr>').join('') + '</table><p class="muted">prices as of ' + ctx.esc(p.cost.pricesAsOf) + '</p></div>';
      }).join('') + '</div>';
      if (stacks.some((s) => s.status === 'planning')) timer = setTimeout(() => draw().catch(() => undefined), 2000);
    };
    await draw();
    return () => clearTimeout(timer);
  }

  window.NexusViews = { live: live, streams: streams, projections: projections, sagas: sagas, dlq: dlq, schemas: schemas, traces: traces, clouds: clouds };
})();
