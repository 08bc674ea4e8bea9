/*
 * The browser's side of the contract's shapes: what the page sends and receives is checked
 * against the same JSON Schemas Python checks it against (playground/app/session/shapes.py,
 * handed over as window.playgroundContract.shapes).
 *
 * The schemas are pydantic's; this checks the part of JSON Schema they use: type, properties,
 * required, additionalProperties, items, prefixItems, minItems, maxItems, minimum, maximum,
 * exclusiveMinimum, exclusiveMaximum, minLength, maxLength, enum, const, anyOf and $ref. No
 * DOM here: the file runs in the page and under Node alike (tests/test_browser_contract.py).
 */
(function (root) {
  "use strict";

  const modules = root.neuralModules = root.neuralModules || {};

  function typeOf(value) {
    if (value === null) return "null";
    if (Array.isArray(value)) return "array";
    if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
    return typeof value;
  }

  function hasType(value, type) {
    const actual = typeOf(value);
    return actual === type || (type === "number" && actual === "integer");
  }

  /** Where ``value`` breaks ``schema`` (a message naming the place), or null when it keeps it. */
  function problem(schema, value, where, definitions) {
    if (schema.$ref) return problem(definitions[schema.$ref.split("/").pop()], value, where, definitions);
    if (schema.anyOf) {
      const problems = schema.anyOf.map((option) => problem(option, value, where, definitions));
      return problems.every((p) => p !== null) ? problems[problems.length - 1] : null;
    }
    if ("const" in schema && value !== schema.const) return `${where}: must be ${JSON.stringify(schema.const)}`;
    if (schema.enum && schema.enum.indexOf(value) < 0) return `${where}: must be one of ${schema.enum.join(", ")}`;
    if (schema.type && !hasType(value, schema.type)) return `${where}: must be ${schema.type}, not ${typeOf(value)}`;
    if (typeof value === "number") {
      if (!Number.isFinite(value)) return `${where}: must be a finite number`;
      if (schema.minimum !== undefined && value < schema.minimum) return `${where}: must be ≥ ${schema.minimum}`;
      if (schema.maximum !== undefined && value > schema.maximum) return `${where}: must be ≤ ${schema.maximum}`;
      if (schema.exclusiveMinimum !== undefined && value <= schema.exclusiveMinimum) return `${where}: must be > ${schema.exclusiveMinimum}`;
      if (schema.exclusiveMaximum !== undefined && value >= schema.exclusiveMaximum) return `${where}: must be < ${schema.exclusiveMaximum}`;
    }
    if (typeof value === "string") {
      if (schema.maxLength !== undefined && value.length > schema.maxLength) return `${where}: at most ${schema.maxLength} characters`;
      if (schema.minLength !== undefined && value.length < schema.minLength) return `${where}: at least ${schema.minLength} characters`;
    }
    if (Array.isArray(value)) return arrayProblem(schema, value, where, definitions);
    if (typeOf(value) === "object") return objectProblem(schema, value, where, definitions);
    return null;
  }

  function arrayProblem(schema, value, where, definitions) {
    if (schema.minItems !== undefined && value.length < schema.minItems) return `${where}: at least ${schema.minItems} items`;
    if (schema.maxItems !== undefined && value.length > schema.maxItems) return `${where}: at most ${schema.maxItems} items`;
    const fixed = schema.prefixItems || [];
    for (let k = 0; k < value.length; k++) {
      const itemSchema = k < fixed.length ? fixed[k] : schema.items;
      if (!itemSchema) continue;
      const found = problem(itemSchema, value[k], `${where}[${k}]`, definitions);
      if (found) return found;
    }
    return null;
  }

  function objectProblem(schema, value, where, definitions) {
    const properties = schema.properties || {};
    for (const name of schema.required || []) {
      if (!(name in value)) return `${where}: ${name} is missing`;
    }
    for (const name of Object.keys(value)) {
      if (name in properties) {
        const found = problem(properties[name], value[name], `${where}.${name}`, definitions);
        if (found) return found;
      } else if (schema.additionalProperties === false) {
        return `${where}: no ${name} here`;
      } else if (typeof schema.additionalProperties === "object") {
        const found = problem(schema.additionalProperties, value[name], `${where}.${name}`, definitions);
        if (found) return found;
      }
    }
    return null;
  }

  function shapes() { return root.playgroundContract.shapes; }

  /** Where ``value`` breaks the contract's shape ``name`` (e.g. "network", "train_request"), or null. */
  function check(name, value) {
    const schema = shapes()[name];
    if (!schema) return `the contract has no shape named ${name}`;
    return problem(schema, value, name, root.playgroundContract.shape_definitions || {});
  }

  modules.contract = { check: check, problem: problem };
  if (typeof module !== "undefined" && module.exports) module.exports = modules.contract;
})(typeof window !== "undefined" ? window : globalThis);
