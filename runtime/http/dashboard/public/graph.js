/* Renders a planned resource graph (from /admin/dashboard/clouds) as an SVG tree, offline and
   without a diagram library: Nexus components as boxes, their provider resources grouped by
   type with a count, laid out as a tidy tree (leaves in DFS order, parents centred). */
(function () {
  'use strict';
  const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
  const shortType = (t) => { const parts = t.split(':'); return parts[parts.length - 1] || t; };

  function build(graph) {
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    const componentOf = (n) => { let p = n.parent ? byId.get(n.parent) : undefined; while (p && !p.component) p = p.parent ? byId.get(p.parent) : undefined; return p; };
    const tree = new Map();
    const ensure = (id, label, kind) => { if (!tree.has(id)) tree.set(id, { id: id, label: label, kind: kind, children: [], count: 0 }); return tree.get(id); };
    const roots = [];
    graph.nodes.filter((n) => n.component).forEach((n) => {
      const node = ensure(n.id, n.label, 'comp');
      node.type = shortType(n.type);
      const owner = componentOf(n);
      if (owner) ensure(owner.id, owner.label, 'comp').children.push(node); else roots.push(node);
    });
    graph.nodes.filter((n) => !n.component).forEach((n) => {
      const owner = componentOf(n);
      const key = (owner ? owner.id : 'root') + '|' + n.type;
      const group = ensure(key, shortType(n.type), 'res');
      if (group.count++ === 0) { if (owner) ensure(owner.id, owner.label, 'comp').children.push(group); else roots.push(group); }
    });
    return roots;
  }

  function render(graph) {
    const roots = build(graph);
    const rowH = 20, colW = 150, boxW = 138, boxH = 16;
    let row = 0, maxDepth = 0;
    const placed = [];
    const place = (n, depth) => {
      maxDepth = Math.max(maxDepth, depth);
      n.x = depth * colW + 4;
      if (n.children.length === 0) n.y = row++ * rowH + 4;
      else { n.children.forEach((c) => place(c, depth + 1)); n.y = (n.children[0].y + n.children[n.children.length - 1].y) / 2; }
      placed.push(n);
    };
    roots.forEach((r) => place(r, 0));
    const width = (maxDepth + 1) * colW + 8, height = Math.max(1, row) * rowH + 8;
    const lines = [], boxes = [];
    placed.forEach((n) => {
      n.children.forEach((c) => lines.push('<path d="M' + (n.x + boxW) + ',' + (n.y + boxH / 2) + ' C' + (n.x + boxW + 8) + ',' + (n.y + boxH / 2) + ' ' + (c.x - 8) + ',' + (c.y + boxH / 2) + ' ' + c.x + ',' + (c.y + boxH / 2) + '"/>'));
      const label = n.kind === 'res' ? (n.count > 1 ? n.count + '× ' : '') + n.label : n.label;
      const text = label.length > 24 ? label.slice(0, 23) + '…' : label;
      boxes.push('<g class="' + n.kind + '"><title>' + esc(n.kind === 'comp' ? n.label + ' (' + n.type + ')' : n.count + ' × ' + n.label) + '</title><rect x="' + n.x + '" y="' + n.y + '" width="' + boxW + '" height="' + boxH + '" rx="4"/><text x="' + (n.x + 5) + '" y="' + (n.y + 12) + '">' + esc(text) + '</text></g>');
    });
    return '<svg viewBox="0 0 ' + width + ' ' + height + '" role="img" aria-label="planned resource graph">' + lines.join('') + boxes.join('') + '</svg>' +
      '<p class="muted">' + graph.nodes.length + ' nodes, ' + graph.edges.length + ' dependency edges</p>';
  }

  window.NexusGraph = { render: render };
})();
