import * as tf from 'tapeflow';
const start = tf.variable(1);
const chain = (n) => { let x = start; for (let i = 0; i < n; i++) { const p = x; x = tf.tidy(() => p.mul(1.0001).add(0.5)); if (p !== start) p.dispose(); } return x; };
for (let r = 0; r < 5; r++) {
  let t0 = performance.now(); for (let k = 0; k < 50; k++) chain(2000).dispose(); let t1 = performance.now();
  const a = (t1 - t0) * 1000 / (50 * 4000);
  t0 = performance.now(); for (let k = 0; k < 50; k++) { const tape = new tf.GradientTape(); tape.record(() => chain(2000)).dispose(); tape.dispose(); } t1 = performance.now();
  const b = (t1 - t0) * 1000 / (50 * 4000);
  console.log(`plain ${a.toFixed(3)} us/op, tape ${b.toFixed(3)} us/op, ratio ${(b / a).toFixed(2)}`);
}
