// k6 scenario "spike" (scenario/plans.ts): npm run build:k6, then k6 run loadtest/dist/spike.js.
import { createScenarioScript } from './lib/scenario-script.js';

const script = createScenarioScript('spike');

export const options = script.options;
export default script.run;
export const handleSummary = script.handleSummary;
