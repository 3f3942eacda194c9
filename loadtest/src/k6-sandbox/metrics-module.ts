import type { ModuleHost } from './module-host.js';
import type { K6MetricType, MetricRegistry } from './metrics.js';

/**
 * k6/metrics for one VU: Counter, Gauge, Rate and Trend over the test's one registry. As in k6,
 * metrics are made in the init context only, and samples added only by iterations.
 */
export function createMetricsModule(
  host: ModuleHost,
  registry: MetricRegistry,
): Record<string, unknown> {
  const classFor = (type: K6MetricType): unknown =>
    class {
      readonly name: string;

      constructor(name: unknown, isTime?: unknown) {
        if (!host.isInInitContext())
          throw host.realm.error('metrics must be declared in the init context');
        this.name = String(name);
        try {
          registry.define(
            this.name,
            type,
            type === 'trend' && isTime === true ? 'time' : 'default',
          );
        } catch (error) {
          throw host.realm.error(error instanceof Error ? error.message : String(error));
        }
      }

      add(value: unknown, tags?: unknown): boolean {
        if (host.isInInitContext())
          throw host.realm.error('adding to metrics in the init context is not supported');
        const metric = registry.get(this.name);
        const n = typeof value === 'boolean' ? (value ? 1 : 0) : Number(value);
        if (metric === undefined || Number.isNaN(n))
          throw host.realm.error(`cannot add ${String(value)} to ${this.name}`);
        const sampleTags: Record<string, string> = { ...host.systemTags() };
        if (typeof tags === 'object' && tags !== null) {
          for (const [k, v] of Object.entries(tags)) sampleTags[k] = String(v);
        }
        registry.add(metric, n, sampleTags);
        return true;
      }
    };
  return {
    Counter: classFor('counter'),
    Gauge: classFor('gauge'),
    Rate: classFor('rate'),
    Trend: classFor('trend'),
  };
}
