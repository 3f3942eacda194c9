// k6 scenario "soak" (scenario/plans.ts): npm run build:k6, then k6 run loadtest/dist/soak.js.
import { createScenarioScript } from './lib/scenario-script.js';

const script = createScenarioScript('soak');

export const options = script.options;
export default script.run;
export const handleSummary = script.handleSummary;
