export { runMultiInstance, formatMultiInstance } from './run.js';
export type { MultiInstanceReport, PhaseFigures, DrillFigures } from './run.js';
export { isMultiInstance, loadMultiInstanceScenario } from './scenario.js';
export { startFleet, startGatewayProcess, readyzOf, gaugeOf } from './fleet.js';
