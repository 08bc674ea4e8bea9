/*
 * The app's browser code under Node, for tests/test_browser_contract.py: every file of assets/
 * loaded into one context (in the order asked), with the contract Python hands the page.
 *
 *   node browser_code.js <contract.json> <order> modules           what each file defined
 *   node browser_code.js <contract.json> <order> bodies <in.json>   each route's body, built by the page code
 *   node browser_code.js <contract.json> <order> check <in.json>    contract.js's verdict on {shape: value}
 *
 * <order>: "sorted", "reversed" or a number (a seeded shuffle). Only what the files do when
 * they load runs here (no DOM): the order must not matter for that.
 */
"use strict";

const fs = require("fs");
const path = require("path");
const vm = require("vm");

const [contractFile, order, command, input] = process.argv.slice(2);
const assets = path.join(__dirname, "..", "assets");

function shuffled(files, seed) {
  let state = Number(seed) || 1;
  const random = () => { state = (state * 48271) % 2147483647; return state / 2147483647; };
  const out = files.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

let files = fs.readdirSync(assets).filter((name) => name.endsWith(".js")).sort();
if (order === "reversed") files = files.reverse();
else if (order !== "sorted") files = shuffled(files, order);

// A window with just what the files touch as they load.
const noop = () => {};
const document = { addEventListener: noop, getElementById: () => null, querySelector: () => null,
  querySelectorAll: () => [], body: { classList: { contains: () => false, toggle: noop } } };
const window = { playgroundContract: JSON.parse(fs.readFileSync(contractFile, "utf8")), document: document,
  addEventListener: noop, dispatchEvent: noop, location: { search: "", hash: "", pathname: "/" } };
window.window = window;
const context = vm.createContext({ window: window, document: document, console: console, Event: function () {},
  performance: { now: () => 0 }, setTimeout: setTimeout, clearTimeout: clearTimeout, CSS: { escape: (s) => s } });
for (const file of files) vm.runInContext(fs.readFileSync(path.join(assets, file), "utf8"), context, { filename: file });

const modules = window.neuralModules;
if (command === "modules") {
  const clientside = {};
  for (const [space, functions] of Object.entries(window.dash_clientside || {})) {
    if (functions && typeof functions === "object") clientside[space] = Object.keys(functions).sort();
  }
  console.log(JSON.stringify({ files: files, modules: Object.keys(modules).sort(), clientside: clientside }));
} else if (command === "bodies") {
  const given = JSON.parse(fs.readFileSync(input, "utf8"));
  const run = { network: given.network, data: given.data, trainer: given.training.trainer, history: given.training.history };
  console.log(JSON.stringify({
    train: modules.playgroundPlay.trainingBody(run, given.settings, null, true),
    train_step: modules.playgroundPlay.trainingBody(run, given.settings, 1, false),
    walk: modules.landscape.walkBody({ walk: given.views.landscape, network: given.network },
      { data: given.data, settings: given.settings }, 1, false),
    descent: modules.descent.descentBody({ descent: given.views.descent }, 3),
    draw: modules.images.drawBody(given.key, 56, given.pixels),
  }));
} else if (command === "check") {
  const given = JSON.parse(fs.readFileSync(input, "utf8"));
  const verdicts = {};
  for (const [name, pair] of Object.entries(given)) verdicts[name] = modules.contract.check(pair[0], pair[1]);
  console.log(JSON.stringify(verdicts));
}
