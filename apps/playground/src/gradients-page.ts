/**
 * @file The "Gradients you can see" page: type a function of x, see f, f' and f'' over a range,
 * computed by nested GradientTapes (./derivatives.ts) and drawn with vega-lite, as the examples' charts.
 */

import embed from 'vega-embed';
import { derivatives, linspace } from './derivatives.js';
import type { Derivatives } from './derivatives.js';
import { backendSwitch, hooks, setUpPage } from './site.js';
import type { BackendName } from './site.js';

const START = -2;
const STOP = 2;
const POINTS = 81;

async function draw(target: HTMLElement, values: Derivatives, source: string): Promise<void> {
  const rows = values.x.flatMap((x, i) => [
    { x, value: values.f[i], curve: 'f(x)' },
    { x, value: values.df[i], curve: "f'(x)" },
    { x, value: values.d2f[i], curve: "f''(x)" },
  ]);
  await embed(
    target,
    {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: `f(x) = ${source}`,
      width: 640,
      height: 360,
      data: { values: rows },
      mark: { type: 'line', strokeWidth: 2 },
      encoding: {
        x: { field: 'x', type: 'quantitative' },
        y: { field: 'value', type: 'quantitative', title: null },
        color: { field: 'curve', type: 'nominal', title: null, sort: ['f(x)', "f'(x)", "f''(x)"] },
      },
    },
    { actions: false, renderer: 'svg' },
  );
}

async function main(): Promise<void> {
  const main = setUpPage('Gradients');
  const intro = document.createElement('p');
  intro.innerHTML =
    'Type a function of the tensor <code>x</code> (TypeScript; <code>tf</code> is in scope). f′ comes from a ' +
    'GradientTape around f, f″ from a second tape around the first.';
  const toolbar = document.createElement('div');
  toolbar.className = 'toolbar';
  const input = document.createElement('input');
  input.className = 'function';
  input.value = 'x.pow(3).sub(x.mul(2))';
  input.setAttribute('aria-label', 'f(x)');
  const plotButton = document.createElement('button');
  plotButton.textContent = 'Plot';
  toolbar.append(input, plotButton);
  const error = document.createElement('pre');
  error.className = 'reason';
  const chart = document.createElement('div');
  chart.dataset['chart'] = '';
  main.append(intro, toolbar, error, chart);
  const backend = await backendSwitch(toolbar);

  const plot = async (source: string, name: BackendName): Promise<Derivatives> => {
    await backend.use(name);
    input.value = source;
    error.textContent = '';
    try {
      const values = await derivatives(source, linspace(START, STOP, POINTS));
      await draw(chart, values, source);
      return values;
    } catch (cause) {
      error.textContent = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
      throw cause;
    }
  };
  const current = (): BackendName => (toolbar.querySelector('select')?.value ?? 'cpu') as BackendName;
  plotButton.addEventListener('click', () => void plot(input.value, current()).catch(() => undefined));
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') void plot(input.value, current()).catch(() => undefined);
  });
  hooks().plot = plot;
  await plot(input.value, 'cpu');
}

hooks().ready = main();
