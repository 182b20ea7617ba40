/**
 * @file Renders the README's kernel table (inputs and the dtypes tensor-core sends each, the output
 * dtype, attributes, the contract) from tensor-core's `OP_SPECS`, so the README restates nothing:
 * completeness.test.ts compares the README with this rendering (and rewrites it with
 * `UPDATE_README=1`).
 */

import type { DataType, OpSpec, OutputDtypeRule } from '@tapeflow/tensor-core/internal';
import { OP_SPECS } from '@tapeflow/tensor-core/internal';

/** The lines around the generated table in README.md. */
export const TABLE_START = '<!-- kernel-table:start: generated from OP_SPECS by src/dtype-table.ts; do not edit -->';
export const TABLE_END = '<!-- kernel-table:end -->';

function dtypes(list: readonly DataType[]): string {
  return list.length === 3 ? 'any' : list.join(', ');
}

function output(rule: OutputDtypeRule): string {
  if ('sameAs' in rule) return `as \`${rule.sameAs}\``;
  if ('dtype' in rule) return rule.dtype;
  return `chosen by the caller (${dtypes(rule.chosen)})`;
}

function row(spec: OpSpec): string {
  const inputs = Object.entries(spec.inputs)
    .map(([name, input]) => `\`${name}${input.list === true ? '[]' : ''}\`: ${dtypes(input.dtypes)}`)
    .join('; ');
  const attrs = Object.entries(spec.attrs)
    .map(([name, type]) => `\`${name}\`: ${type}`)
    .join(', ');
  return `${inputs === '' ? '(no inputs)' : inputs} | ${output(spec.output)} | ${attrs === '' ? '—' : attrs} | ${spec.note} |`;
}

/** The markdown table, one row per run of consecutive kernels whose specs render alike. */
export function renderDtypeTable(): string {
  const rows: { names: string[]; rest: string }[] = [];
  for (const [name, spec] of Object.entries<OpSpec>(OP_SPECS)) {
    const rest = row(spec);
    const last = rows[rows.length - 1];
    if (last !== undefined && last.rest === rest) last.names.push(name);
    else rows.push({ names: [name], rest });
  }
  const lines = rows.map(({ names, rest }) => `| ${names.map((n) => `\`${n}\``).join(' ')} | ${rest}`);
  return [
    '| kernels | inputs: dtypes | output dtype | attributes | contract |',
    '|---|---|---|---|---|',
    ...lines,
  ].join('\n');
}
