/** Helpers for other packages' tests: nothing here is part of the protocol. */
export { writeTestWheel, type TestWheel } from './test-wheel.js';
export { writeTestNpmPackage, type TestNpmPackage } from './test-npm-package.js';
export {
  startStandInSubgraph,
  type EntityRow,
  type StandInSubgraph,
} from '../history/testing/stand-in-subgraph.js';
export { tinyWasm } from './tiny-wasm.js';
