/* Nexus dashboard client: token handling, the authenticated JSON API, tabs and the live
   WebSocket (the local notifier). Views live in views.js; the plan graph renderer in graph.js. */
(function () {
  'use strict';
  const params = new URLSearchParams(location.search);
  if (params.get('token')) {
    sessionStorage.setItem('nexus.token', params.get('token'));
    params.delete('token');
    history.replaceState(null, '', location.pathname + (params.toString() ? '?' + params : '') + location.hash);
  }
  const state = { token: sessionStorage.getItem('nexus.token'), view: (location.hash || '#live').slice(1), listeners: new Set(), socket: null, channels: new Set() };
  const $ = (sel) => document.querySelector(sel);
  const status = (msg, cls) => { const f = $('#status'); f.textContent = msg; f.className = cls || ''; };

  async function api(path, options) {
    const init = Object.assign({ headers: {} }, options || {});
    init.headers = Object.assign({ authorization: 'Bearer ' + state.token }, init.headers);
    if (init.body !== undefined && typeof init.body !== 'string') { init.body = JSON.stringify(init.body); init.headers['content-type'] = 'application/json'; }
    const res = await fetch(path, init);
    const text = await res.text();
    let body; try { body = text ? JSON.parse(text) : undefined; } catch { body = text; }
    if (res.status === 401) { showLogin('The token was refused: ' + ((body && body.message) || res.status)); throw new Error('unauthenticated'); }
    if (!res.ok) { const err = new Error((body && body.message) || (path + ': HTTP ' + res.status)); err.status = res.status; err.body = body; throw err; }
    return body;
  }

  function connect() {
    if (state.socket) return;
    const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws?access_token=' + encodeURIComponent(state.token));
    state.socket = ws;
    ws.onopen = () => { $('#ws-status').textContent = 'live'; $('#ws-status').className = 'pill on'; for (const c of state.channels) ws.send(JSON.stringify({ action: 'subscribe', channel: c })); };
    ws.onmessage = (m) => { let msg; try { msg = JSON.parse(m.data); } catch { return; } for (const l of state.listeners) l(msg); };
    ws.onclose = () => { state.socket = null; $('#ws-status').textContent = 'ws off'; $('#ws-status').className = 'pill off'; if (state.token) setTimeout(connect, 2000); };
  }
  function subscribe(channel) {
    state.channels.add(channel);
    if (state.socket && state.socket.readyState === 1) state.socket.send(JSON.stringify({ action: 'subscribe', channel: channel }));
  }
  function onMessage(fn) { state.listeners.add(fn); return () => state.listeners.delete(fn); }

  function showLogin(message) {
    $('#login').hidden = false; $('#view').hidden = true;
    $('#login-error').textContent = message || '';
  }
  function decodeTenant(token) {
    try { return JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).tenant; } catch { return undefined; }
  }

  let cleanup = null;
  async function render(view) {
    state.view = view;
    document.querySelectorAll('#tabs button').forEach((b) => b.classList.toggle('active', b.dataset.view === view));
    if (cleanup) { try { cleanup(); } catch (e) { /* view already gone */ } cleanup = null; }
    const el = $('#view');
    el.innerHTML = '<p class="muted">Loading…</p>';
    const fn = window.NexusViews[view] || window.NexusViews.live;
    try {
      cleanup = (await fn(el, ctx)) || null;
      status('Updated ' + new Date().toLocaleTimeString());
    } catch (err) {
      if (err.message !== 'unauthenticated') el.innerHTML = '<p class="error">' + ctx.esc(err.message) + '</p>';
    }
  }

  const ctx = {
    api: api, subscribe: subscribe, onMessage: onMessage, status: status,
    go: (view, arg) => { ctx.arg = arg; location.hash = view; },
    esc: (s) => String(s === undefined || s === null ? '' : s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c])),
    json: (v) => '<pre>' + ctx.esc(JSON.stringify(v, null, 2)) + '</pre>',
    ago: (iso) => { if (!iso) return '—'; const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000); return s < 60 ? s.toFixed(1) + ' s ago' : s < 3600 ? Math.round(s / 60) + ' min ago' : Math.round(s / 3600) + ' h ago'; },
    arg: undefined,
  };

  document.querySelectorAll('#tabs button').forEach((b) => b.addEventListener('click', () => ctx.go(b.dataset.view)));
  window.addEventListener('hashchange', () => render((location.hash || '#live').slice(1)));
  $('#login-form').addEventListener('submit', (e) => {
    e.preventDefault();
    state.token = $('#token-input').value.trim();
    sessionStorage.setItem('nexus.token', state.token);
    start();
  });

  function start() {
    if (!state.token) return showLogin();
    $('#login').hidden = true; $('#view').hidden = false;
    $('#tenant').textContent = 'tenant ' + (decodeTenant(state.token) || '?');
    connect();
    render(state.view);
  }
  window.NexusDashboard = ctx;
  start();
})();
