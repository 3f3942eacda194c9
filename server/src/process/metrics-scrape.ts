// Reads the server's GET /metrics (Prometheus text format) from outside the process, as Prometheus
// would: the integration tests and the benchmark both scrape it here. Hand-written because it
// reads only what prom-client writes (one sample per line, no timestamps needed), for tests and
// the bench, where a parsing dependency would add nothing.

/** One sample line: `name{label="value",...} value`. */
export interface Sample {
  name: string;
  labels: Readonly<Record<string, string>>;
  value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function unescapeLabel(value: string): string {
  return value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function parseValue(text: string): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

function matches(sample: Sample, labels: Readonly<Record<string, string>>): boolean {
  for (const [key, value] of Object.entries(labels)) {
    if (sample.labels[key] !== value) return false;
  }
  return true;
}

/** One scrape of /metrics, parsed. */
export class MetricsScrape {
  /** Metric family name → its type (`counter`, `gauge`, `histogram`, ...), from `# TYPE` lines. */
  readonly types = new Map<string, string>();
  readonly samples: Sample[] = [];
  /** performance.now() when the answer arrived: rates between scrapes are per this clock's second. */
  readonly atMs: number;

  constructor(text: string, atMs: number = performance.now()) {
    this.atMs = atMs;
    for (const line of text.split('\n')) {
      if (line.startsWith('# TYPE ')) {
        const [name, type] = line.slice(7).split(' ');
        if (name && type) this.types.set(name, type);
        continue;
      }
      if (line === '' || line.startsWith('#')) continue;
      const match = SAMPLE_LINE.exec(line);
      if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
      const labels: Record<string, string> = {};
      for (const label of (match[2] ?? '').matchAll(LABEL)) {
        labels[label[1] as string] = unescapeLabel(label[2] as string);
      }
      this.samples.push({
        name: match[1] as string,
        labels,
        value: parseValue(match[3] as string),
      });
    }
  }

  /** The sum of the samples named `name` whose labels include `labels`; 0 when there are none. */
  value(name: string, labels: Readonly<Record<string, string>> = {}): number {
    let sum = 0;
    for (const sample of this.samples) {
      if (sample.name === name && matches(sample, labels)) sum += sample.value;
    }
    return sum;
  }

  /** Histogram `name`'s cumulative buckets (upper bound → count), summed over matching series. */
  buckets(name: string, labels: Readonly<Record<string, string>> = {}): Map<number, number> {
    const buckets = new Map<number, number>();
    for (const sample of this.samples) {
      if (sample.name !== `${name}_bucket` || !matches(sample, labels)) continue;
      const le = parseValue(sample.labels.le ?? '+Inf');
      buckets.set(le, (buckets.get(le) ?? 0) + sample.value);
    }
    return buckets;
  }
}

export async function scrapeMetrics(baseUrl: string): Promise<MetricsScrape> {
  const response = await fetch(`${baseUrl}/metrics`);
  if (!response.ok) throw new Error(`GET ${baseUrl}/metrics answered ${response.status}`);
  return new MetricsScrape(await response.text());
}

/**
 * The q-quantile (0..1) of what histogram `name` observed between two scrapes, estimated as
 * Prometheus's histogram_quantile does: linearly within the bucket it falls in. NaN when nothing
 * was observed. Its precision is the bucket width around the answer.
 */
export function quantileBetween(
  before: MetricsScrape,
  after: MetricsScrape,
  name: string,
  q: number,
  labels: Readonly<Record<string, string>> = {},
): number {
  const start = before.buckets(name, labels);
  const bounds = [...after.buckets(name, labels).entries()]
    .map(([le, count]) => ({ le, count: count - (start.get(le) ?? 0) }))
    .sort((a, b) => a.le - b.le);
  const total = bounds.at(-1)?.count ?? 0;
  if (total <= 0) return Number.NaN;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const { le, count } of bounds) {
    if (count >= rank) {
      // Above the largest finite bucket, Prometheus answers that bucket's bound.
      if (le === Number.POSITIVE_INFINITY) return lowerBound;
      return (
        lowerBound + ((le - lowerBound) * (rank - lowerCount)) / Math.max(1, count - lowerCount)
      );
    }
    lowerBound = le;
    lowerCount = count;
  }
  return lowerBound;
}
