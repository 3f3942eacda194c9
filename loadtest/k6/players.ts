// k6 scenario "players" (scenario/plans.ts): npm run build:k6, then k6 run loadtest/dist/players.js.
import { createScenarioScript } from './lib/scenario-script.js';

const script = createScenarioScript('players');

export const options = script.options;
export default script.run;
export const handleSummary = script.handleSummary;
