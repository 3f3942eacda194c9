// k6 scenario "reconnect-storm" (scenario/plans.ts): npm run build:k6, then k6 run loadtest/dist/reconnect-storm.js.
import { createScenarioScript } from './lib/scenario-script.js';

const script = createScenarioScript('reconnect-storm');

export const options = script.options;
export default script.run;
export const handleSummary = script.handleSummary;
