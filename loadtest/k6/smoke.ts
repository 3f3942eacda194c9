// k6 scenario "smoke" (scenario/plans.ts): npm run build:k6, then k6 run loadtest/dist/smoke.js.
import { createScenarioScript } from './lib/scenario-script.js';

const script = createScenarioScript('smoke');

export const options = script.options;
export default script.run;
export const handleSummary = script.handleSummary;
