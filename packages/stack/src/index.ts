export * from './stack.js';
export * from './demo.js';
export { SUBGRAPH_FACTORIES, demoSeed } from './modules.js';
