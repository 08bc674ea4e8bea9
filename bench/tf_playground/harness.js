// TensorFlow Playground's own data and engine under Node, for one seed: prints one JSON object.
//
//   node bench/tf_playground/harness.js '{"dataset": "spiral", "seed": "0.12345", "epochs": 100,
//        "features": ["x", "y", "xSquared"], "hidden": [4, 2]}'
//
// Optional keys (the page's defaults): noise 0 (percent, as its slider), percTrainData 50,
// batchSize 10, learningRate 0.03, regularizationRate 0 (no regularisation); every 0 (losses
// every that many epochs too), outputs false (true: the output at every test point too). It prints its initial
// parameters too (initial: per layer, biases and weights[from][to]).
// Data sets: circle, xor, gauss, spiral (classification, 500 points, labels ±1, tanh output)
// and reg-plane, reg-gauss (regression, 1,200 points, linear output), as src/state.ts names
// them. Features: its INPUTS' names, in its order: x, y, xSquared, ySquared, xTimesY, sinX, sinY.
//
// vendor/ holds its src/dataset.ts and src/nn.ts transpiled (see vendor.js) and the seedrandom
// it loads; what follows copies src/playground.ts's generateData, reset, oneStep, getLoss,
// constructInput and INPUTS (Apache-2.0, Google Inc.), without the page around them. As on a
// fresh page: Math.seedrandom(seed), generate, shuffle, split, then build the network with the
// same random stream, then train. Its loss is its getLoss: the mean of ½(output − label)².
"use strict";
require("./vendor/seedrandom"); // sets Math.seedrandom, as the page's lib.js does
const dataset = require("./vendor/dataset");
const nn = require("./vendor/nn");

const NUM_SAMPLES_CLASSIFY = 500;
const NUM_SAMPLES_REGRESS = 1200;
const INPUTS = {
  x: (x, y) => x,
  y: (x, y) => y,
  xSquared: (x, y) => x * x,
  ySquared: (x, y) => y * y,
  xTimesY: (x, y) => x * y,
  sinX: (x, y) => Math.sin(x),
  sinY: (x, y) => Math.sin(y),
};
const GENERATORS = {
  circle: dataset.classifyCircleData,
  xor: dataset.classifyXORData,
  gauss: dataset.classifyTwoGaussData,
  spiral: dataset.classifySpiralData,
  "reg-plane": dataset.regressPlane,
  "reg-gauss": dataset.regressGaussian,
};

function main(options) {
  const state = Object.assign(
    {noise: 0, percTrainData: 50, batchSize: 10, learningRate: 0.03, regularizationRate: 0, every: 0},
    options,
  );
  const generator = GENERATORS[state.dataset];
  if (!generator) throw new Error(`unknown data set ${state.dataset}`);
  for (const name of state.features) if (!(name in INPUTS)) throw new Error(`unknown feature ${name}`);
  const regression = state.dataset.startsWith("reg-");
  // Its order of inputs, whatever the order asked.
  const inputIds = Object.keys(INPUTS).filter((name) => state.features.includes(name));
  const constructInput = (x, y) => inputIds.map((name) => INPUTS[name](x, y));

  // generateData(firstTime = true)
  Math.seedrandom(String(state.seed));
  const data = generator(regression ? NUM_SAMPLES_REGRESS : NUM_SAMPLES_CLASSIFY, state.noise / 100);
  dataset.shuffle(data);
  const splitIndex = Math.floor((data.length * state.percTrainData) / 100);
  const trainData = data.slice(0, splitIndex);
  const testData = data.slice(splitIndex);

  // reset(): the network, from the same random stream
  const shape = [inputIds.length].concat(state.hidden).concat([1]);
  const outputActivation = regression ? nn.Activations.LINEAR : nn.Activations.TANH;
  const network = nn.buildNetwork(shape, nn.Activations.TANH, outputActivation, null, inputIds, false);

  const getLoss = (points) => {
    let loss = 0;
    for (const point of points) {
      const output = nn.forwardProp(network, constructInput(point.x, point.y));
      loss += nn.Errors.SQUARE.error(output, point.label);
    }
    return loss / points.length;
  };
  const accuracy = (points) => {
    let right = 0;
    for (const point of points) {
      const output = nn.forwardProp(network, constructInput(point.x, point.y));
      if ((output >= 0 ? 1 : -1) === point.label) right++;
    }
    return right / points.length;
  };
  const oneStep = () => {
    trainData.forEach((point, i) => {
      nn.forwardProp(network, constructInput(point.x, point.y));
      nn.backProp(network, point.label, nn.Errors.SQUARE);
      if ((i + 1) % state.batchSize === 0) {
        nn.updateWeights(network, state.learningRate, state.regularizationRate);
      }
    });
  };

  // Its initial parameters, layer by layer: biases[i] of node i, weights[j][i] from input j to node i.
  const initial = network.slice(1).map((layer) => ({
    biases: layer.map((node) => node.bias),
    weights: network[network.indexOf(layer) - 1].map((source, j) => layer.map((node) => node.inputLinks[j].weight)),
  }));
  const curve = [];
  const started = process.hrtime.bigint();
  for (let epoch = 1; epoch <= state.epochs; epoch++) {
    oneStep();
    if (state.every && epoch % state.every === 0) curve.push([epoch, getLoss(trainData), getLoss(testData)]);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const result = {
    dataset: state.dataset,
    seed: String(state.seed),
    problem: regression ? "regression" : "classification",
    features: inputIds,
    shape,
    epochs: state.epochs,
    settings: {
      learningRate: state.learningRate,
      batchSize: state.batchSize,
      percTrainData: state.percTrainData,
      noise: state.noise,
      regularizationRate: state.regularizationRate,
    },
    // All points in the page's order after its shuffle; the first n_train are its training data.
    points: data.map((p) => [p.x, p.y]),
    labels: data.map((p) => p.label),
    n_train: trainData.length,
    loss_train: getLoss(trainData),
    loss_test: getLoss(testData),
    curve,
    seconds,
    initial,
  };
  if (state.outputs) {
    // The network's output for every test point, to check getLoss against.
    result.outputs_test = testData.map((p) => nn.forwardProp(network, constructInput(p.x, p.y)));
  }
  if (!regression) {
    result.accuracy_train = accuracy(trainData);
    result.accuracy_test = accuracy(testData);
  }
  return result;
}

if (require.main === module) {
  process.stdout.write(JSON.stringify(main(JSON.parse(process.argv[2] || "{}"))) + "\n");
}
module.exports = {main};
