import { Counter, Rate, Trend } from 'k6/metrics';
import {
  METRICS,
  METRIC_NAMES,
  type MetricName,
  type MetricSink,
} from '../../src/scenario/metrics.js';

/**
 * The players' MetricSink over k6's own metrics: a Trend, Counter or Rate per METRICS entry, so
 * k6 aggregates them, checks the thresholds and hands them to handleSummary.
 *
 * MUST be called in the init context (the bundle's top level): k6 refuses new metrics later.
 */
export function createK6MetricSink(): MetricSink {
  const metrics = new Map<MetricName, Counter | Rate | Trend>();
  for (const name of METRIC_NAMES) {
    const definition = METRICS[name];
    switch (definition.type) {
      case 'trend':
        // k6 marks only time (isTime); bytes stay plain numbers in its summary.
        metrics.set(name, new Trend(name, definition.contains === 'time'));
        break;
      case 'counter':
        metrics.set(name, new Counter(name));
        break;
      case 'rate':
        metrics.set(name, new Rate(name));
        break;
    }
  }
  return {
    add(name, value, tags) {
      metrics.get(name)?.add(value, tags === undefined ? undefined : { ...tags });
    },
  };
}
