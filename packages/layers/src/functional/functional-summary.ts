/**
 * @file `summary()` of a functional model, as Keras 3 prints one: the Sequential table plus a
 * "Connected to" column naming, for each layer, the tensors its calls read as `layer[node][tensor]`
 * (one per line), InputLayer rows first with `-`, and output shapes taken from the graph (a layer with
 * several outputs shows a list of shapes). The totals are those of the Sequential summary.
 */

import type { Layer, LayerOutput } from '../layer.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { parameterLines } from '../summary.js';
import type { SummaryModel } from '../summary.js';
import { InputLayer, nodeSources } from './graph.js';
import type { FunctionalGraph } from './graph.js';
import { historyOf, nodesByLayer } from './functional-model.js';
import type { SymbolicTensor } from './symbolic-tensor.js';

function shapeText(shape: readonly (number | null)[]): string {
  const dims = shape.map((d) => (d === null ? 'None' : String(d)));
  return dims.length === 1 ? `(${dims[0]!},)` : `(${dims.join(', ')})`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** The output shape column of a layer: its first call's outputs (a list of shapes for several). */
function outputShape(layer: Layer<LayerOutput>, graph: FunctionalGraph): string {
  if (layer instanceof InputLayer) return shapeText(layer.symbolic.shape);
  const node = graph.nodes.find((n) => n.layer === layer)!;
  const outputs: SymbolicTensor[] = [];
  // The node's outputs are the symbolic tensors pointing back to it that the graph reads or returns.
  const seen = new Set<number>();
  for (const t of [...graph.nodes.flatMap(nodeSources), ...graph.outputs]) {
    if (t.node === node && !seen.has(t.outputIndex)) {
      seen.add(t.outputIndex);
      outputs[t.outputIndex] = t;
    }
  }
  const shapes = outputs.filter((t) => t !== undefined).map((t) => shapeText(t.shape));
  return shapes.length === 1 ? shapes[0]! : `[${shapes.join(', ')}]`;
}

/**
 * The lines of a functional model's summary.
 * @example formatFunctionalSummary(model, model.graph!, null).join('\n')
 */
export function formatFunctionalSummary(
  model: SummaryModel,
  graph: FunctionalGraph,
  optimizer: Optimizer | null,
): string[] {
  const byLayer = nodesByLayer(graph);
  const rows: string[][] = graph.layers.map((layer) => {
    const connected = (byLayer.get(layer) ?? []).flatMap((node) =>
      nodeSources(node).map((t) => {
        const [name, nodeIndex, tensorIndex] = historyOf(t, graph, byLayer);
        return `${name}[${nodeIndex}][${tensorIndex}]`;
      }),
    );
    return [
      `${layer.name} (${layer.className})`,
      outputShape(layer, graph),
      count(layer.countParams()),
      connected.length === 0 ? '-' : connected.map((c, i) => (i < connected.length - 1 ? `${c},` : c)).join('\n'),
    ];
  });
  const headers = ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'];
  const widths = [25, 23, 10, 20].map((min, c) =>
    Math.max(min, headers[c]!.length, ...rows.flatMap((r) => r[c]!.split('\n').map((line) => line.length))),
  );
  const cell = (text: string, c: number): string =>
    ` ${c === 2 ? text.padStart(widths[c]!) : text.padEnd(widths[c]!)} `;
  const rule = (left: string, fill: string, mid: string, right: string): string =>
    `${left}${widths.map((w) => fill.repeat(w + 2)).join(mid)}${right}`;
  const lines = [
    `Model: "${model.name}"`,
    rule('┏', '━', '┳', '┓'),
    `┃${headers.map(cell).join('┃')}┃`,
    rule('┡', '━', '╇', '┩'),
  ];
  rows.forEach((row, i) => {
    const parts = row.map((text) => text.split('\n'));
    const height = Math.max(...parts.map((p) => p.length));
    for (let line = 0; line < height; line++) lines.push(`│${parts.map((p, c) => cell(p[line] ?? '', c)).join('│')}│`);
    if (i < rows.length - 1) lines.push(rule('├', '─', '┼', '┤'));
  });
  lines.push(rule('└', '─', '┴', '┘'));
  lines.push(...parameterLines(model, optimizer));
  return lines;
}
