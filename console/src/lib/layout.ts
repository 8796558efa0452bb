// A layered left-to-right layout for the service map: each node's column is the longest path to
// it from a source (edges that close a cycle — the gateway consuming payments — are left out of
// the ranking and drawn as curves back).
export interface LayoutNode {
  id: string;
  kind: string;
  x: number;
  y: number;
}

export function layeredLayout(
  nodes: { id: string; kind: string }[],
  edges: { source: string; target: string }[],
  size: { colWidth: number; rowHeight: number; margin: number },
): { nodes: Map<string, LayoutNode>; back: Set<number>; width: number; height: number } {
  const out = new Map<string, number[]>();
  edges.forEach((e, i) => out.set(e.source, [...(out.get(e.source) ?? []), i]));
  const incoming = new Set(edges.map((e) => e.target));
  // Depth-first from sources (then anything left) marks edges into a node on the current path.
  const back = new Set<number>();
  const state = new Map<string, 'open' | 'done'>();
  const visit = (id: string) => {
    state.set(id, 'open');
    for (const i of out.get(id) ?? []) {
      const t = edges[i]!.target;
      if (state.get(t) === 'open') back.add(i);
      else if (!state.has(t)) visit(t);
    }
    state.set(id, 'done');
  };
  const order = [...nodes].sort((a, b) => Number(incoming.has(a.id)) - Number(incoming.has(b.id)));
  for (const n of order) if (!state.has(n.id)) visit(n.id);

  const rank = new Map(nodes.map((n) => [n.id, 0]));
  for (let pass = 0; pass < nodes.length; pass++)
    edges.forEach((e, i) => {
      if (back.has(i)) return;
      const r = (rank.get(e.source) ?? 0) + 1;
      if (r > (rank.get(e.target) ?? 0)) rank.set(e.target, r);
    });
  const columns = new Map<number, string[]>();
  for (const n of nodes) columns.set(rank.get(n.id)!, [...(columns.get(rank.get(n.id)!) ?? []), n.id]);
  const tallest = Math.max(1, ...[...columns.values()].map((c) => c.length));
  const height = tallest * size.rowHeight + 2 * size.margin;
  const placed = new Map<string, LayoutNode>();
  for (const [col, ids] of columns)
    ids.forEach((id, i) =>
      placed.set(id, {
        id,
        kind: nodes.find((n) => n.id === id)!.kind,
        x: size.margin + col * size.colWidth,
        y: height / 2 + (i - (ids.length - 1) / 2) * size.rowHeight,
      }),
    );
  const width = 2 * size.margin + Math.max(0, ...[...columns.keys()]) * size.colWidth;
  return { nodes: placed, back, width, height };
}
