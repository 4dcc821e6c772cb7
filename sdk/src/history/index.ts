export * from './chain-history.js';
export * from './history-reader.js';
export * from './market-history.js';
export * from './open-history.js';
export * from './subgraph-history.js';
