/**
 * @file The loss and accuracy curves of a `fit` history as an SVG chart: a Vega-Lite spec (what
 * tfjs-vis draws with), compiled to Vega and rendered to SVG in Node with `renderer: 'none'`, which
 * needs no canvas or browser. Vega + Vega-Lite over a hand-written SVG: the chart is a short
 * declarative spec rather than ~150 lines of axis, tick and legend code, anyone who knows tfjs-vis or
 * Altair can change it, and both run on Node 20 (vega 6.4.0, vega-lite 6.4.3, pinned exactly; checked
 * with a spike before adopting them). They are dependencies of this private examples app only, never
 * of a published package.
 */

import * as vega from 'vega';
import { compile } from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

/**
 * Per-epoch curves: Keras' history keys (`loss`, `accuracy`, `val_loss`, `val_accuracy`).
 * @example const curves: Curves = { loss: [0.5, 0.3], accuracy: [0.85, 0.91] };
 */
export type Curves = { readonly [key: string]: readonly number[] | undefined };

/** One point of the chart's data. */
interface Point {
  readonly epoch: number;
  readonly value: number;
  readonly metric: string;
  readonly curve: string;
}

function points(curves: Curves, heldOutLabel: string): Point[] {
  const out: Point[] = [];
  for (const metric of ['loss', 'accuracy']) {
    for (const [key, curve] of [
      [metric, 'training'],
      [`val_${metric}`, heldOutLabel],
    ] as const) {
      curves[key]?.forEach((value, i) => out.push({ epoch: i + 1, value, metric, curve }));
    }
  }
  return out;
}

/**
 * The Vega-Lite spec: loss and accuracy side by side, training and held-out curves in each.
 * @example const spec = chartSpec(history, 'MNIST 784-128-10');
 */
export function chartSpec(curves: Curves, title: string, heldOutLabel = 'held-out'): TopLevelSpec {
  const panel = (metric: string, label: string) => ({
    title: label,
    transform: [{ filter: `datum.metric === '${metric}'` }],
    mark: { type: 'line' as const, point: true },
    encoding: {
      x: { field: 'epoch', type: 'quantitative' as const, title: 'epoch', axis: { tickMinStep: 1 } },
      y: { field: 'value', type: 'quantitative' as const, title: label, scale: { zero: false } },
      color: { field: 'curve', type: 'nominal' as const, title: null },
    },
    width: 320,
    height: 220,
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values: points(curves, heldOutLabel) },
    hconcat: [panel('loss', 'loss'), panel('accuracy', 'accuracy')],
    config: { font: 'sans-serif' },
  };
}

/**
 * The chart as an SVG document.
 * @example await fs.writeFile('curves.svg', await renderChart(history, 'MNIST'));
 */
export async function renderChart(curves: Curves, title: string, heldOutLabel?: string): Promise<string> {
  const view = new vega.View(vega.parse(compile(chartSpec(curves, title, heldOutLabel)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
