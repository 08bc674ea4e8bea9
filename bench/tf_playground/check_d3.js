// Checks vendor/d3_scale_linear.js against the real d3 v3 on dataset.ts's three scales:
//   node bench/tf_playground/check_d3.js NODE_MODULES   (a folder holding d3@3)
"use strict";
const path = require("path");
const d3 = require(path.resolve(process.argv[2], "d3"));
const shim = require("./vendor/d3_scale_linear");
const scales = [
  [[0, 0.5], [0.5, 4], false], // classifyTwoGaussData's variance
  [[-10, 10], [-1, 1], false], // regressPlane's label
  [[0, 2], [1, 0], true], // regressGaussian's label
];
let checked = 0;
for (const [domain, range, clamp] of scales) {
  const real = d3.scale.linear().domain(domain).range(range).clamp(clamp);
  const ours = shim.scale.linear().domain(domain).range(range).clamp(clamp);
  for (let i = 0; i <= 100000; i++) {
    const x = -20 + (40 * i) / 100000 + Math.sin(i) * 1e-3;
    if (!Object.is(real(x), ours(x))) throw new Error(`differs at ${x}: ${real(x)} vs ${ours(x)}`);
    checked++;
  }
}
console.log(`d3_scale_linear.js equals d3 ${d3.version} bit for bit on ${checked} values`);
