// Regenerates vendor/ from TensorFlow Playground's own source (Apache-2.0, Google Inc.).
//
//   node bench/tf_playground/vendor.js GIT_DIR NODE_MODULES
//
// GIT_DIR: a git directory of github.com/tensorflow/playground (the commit is read from it);
// NODE_MODULES: a folder holding the npm packages typescript and seedrandom@2.4.4 (its
// package-lock's version), e.g. `npm install --prefix /tmp/tfp typescript seedrandom@2.4.4`.
// src/dataset.ts and src/nn.ts are transpiled as they are (TypeScript's transpileModule, no
// type check, comments and licence header kept) to CommonJS; dataset.js's one import, d3, is
// pointed at d3_scale_linear.js (d3 v3's linear scale, the only part of d3 it uses). The files
// are committed so that the harness and its test run with Node alone, nothing downloaded.
"use strict";
const {execFileSync} = require("child_process");
const fs = require("fs");
const path = require("path");

const [gitDir, nodeModules] = process.argv.slice(2);
if (!gitDir || !nodeModules) {
  console.error("usage: node vendor.js GIT_DIR NODE_MODULES");
  process.exit(2);
}
const ts = require(path.resolve(nodeModules, "typescript"));
const out = path.join(__dirname, "vendor");
const git = (...args) => execFileSync("git", ["--git-dir", gitDir, ...args], {encoding: "utf8"});
const commit = git("rev-parse", "HEAD").trim();

for (const name of ["dataset", "nn"]) {
  const source = git("show", `${commit}:src/${name}.ts`);
  let js = ts.transpileModule(source, {
    compilerOptions: {module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2017, removeComments: false},
  }).outputText;
  js = js.replace(/require\("d3"\)/g, 'require("./d3_scale_linear")');
  const note = `// Transpiled by bench/tf_playground/vendor.js from tensorflow/playground ${commit}:src/${name}.ts\n`;
  fs.writeFileSync(path.join(out, `${name}.js`), note + js);
}
fs.copyFileSync(path.resolve(nodeModules, "seedrandom", "seedrandom.js"), path.join(out, "seedrandom.js"));
fs.writeFileSync(path.join(out, "LICENSE"), git("show", `${commit}:LICENSE`));
const seedrandomVersion = require(path.resolve(nodeModules, "seedrandom", "package.json")).version;
fs.writeFileSync(
  path.join(out, "SOURCE"),
  `tensorflow/playground ${commit} (src/dataset.ts, src/nn.ts; Apache-2.0)\nseedrandom ${seedrandomVersion} (seedrandom.js; MIT)\n`,
);
console.log(`vendored tensorflow/playground ${commit}, seedrandom ${seedrandomVersion}`);
