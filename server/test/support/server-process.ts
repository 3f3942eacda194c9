// The integration tests' way to start the real server: the spawner the benchmark uses too.
export {
  startServer,
  type ServerProcess,
  type StartServerOptions,
} from '../../src/process/spawn-server.js';
export { MetricsScrape, quantileBetween, scrapeMetrics } from '../../src/process/metrics-scrape.js';
