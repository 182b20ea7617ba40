/**
 * @file A child process for more-callbacks.test.ts: a CSVLogger on `argv[2]` (`argv[3]` 'append' or
 * 'write') logging epoch after epoch until it is killed, each row long (200 keys) so a kill can land
 * inside a write. It prints `ready` before its first row.
 */
import { CSVLogger } from '../csv-logger.js';

const [file, mode] = process.argv.slice(2);
const logger = new CSVLogger(file!, { append: mode === 'append' });
await logger.onTrainBegin();
const keys = Array.from({ length: 200 }, (_, i) => `metric_${String(i).padStart(3, '0')}`);
process.stdout.write('ready\n');
for (let epoch = 0; ; epoch++) {
  await logger.onEpochEnd(epoch, Object.fromEntries(keys.map((k, i) => [k, epoch + i / 7])));
}
