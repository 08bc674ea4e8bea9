// d3 v3's linear scale (d3.scale.linear with domain, range and clamp), the only part of d3 that
// TensorFlow Playground's src/dataset.ts uses, with d3 3.5.17's own arithmetic
// (d3_uninterpolateNumber / d3_uninterpolateClamp, then d3_interpolateNumber; BSD-3-Clause,
// Michael Bostock). bench/tf_playground/check_d3.js compares it with the real d3 when installed.
"use strict";

function linear() {
  let domain = [0, 1];
  let range = [0, 1];
  let clamp = false;
  function scale(x) {
    let a = +domain[0];
    let b = +domain[1];
    b = (b -= a) || 1 / b;
    let t = (x - a) / b;
    if (clamp) t = Math.max(0, Math.min(1, t));
    const r0 = +range[0];
    const r1 = +range[1];
    return r0 * (1 - t) + r1 * t;
  }
  scale.domain = (d) => ((domain = d.slice()), scale);
  scale.range = (r) => ((range = r.slice()), scale);
  scale.clamp = (c) => ((clamp = !!c), scale);
  return scale;
}

module.exports = {scale: {linear}};
