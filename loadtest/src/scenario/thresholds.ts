/**
 * k6's threshold expressions (`p(95)<200`, `count==0`, `rate>0.99`), parsed and checked against
 * a metric's aggregate. k6 checks its own; the k6 sandbox and the Node swarm check theirs here,
 * and the text report reads the actual value of each through `thresholdAggregation`.
 *
 * Plain module: no Node, no k6.
 */

export type ThresholdOperator = '<' | '<=' | '>' | '>=' | '==' | '===' | '!=';

export interface ParsedThreshold {
  /** `avg`, `min`, `max`, `med`, `p(N)`, `count`, `rate` or `value`. */
  aggregation: string;
  operator: ThresholdOperator;
  value: number;
}

const EXPRESSION =
  /^\s*(avg|min|max|med|count|rate|value|p\(\d+(?:\.\d+)?\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

/** Parses one k6 threshold expression; throws on anything k6 would refuse. */
export function parseThreshold(expression: string): ParsedThreshold {
  const m = EXPRESSION.exec(expression);
  if (!m) throw new Error(`not a threshold expression: "${expression}"`);
  return {
    aggregation: m[1] as string,
    operator: m[2] as ThresholdOperator,
    value: Number(m[3]),
  };
}

/** The aggregation an expression reads (`p(95)`, `count`, ...). */
export function thresholdAggregation(expression: string): string {
  return parseThreshold(expression).aggregation;
}

/**
 * Whether `expression` holds for a metric whose aggregations `valueOf` gives. A metric with no
 * samples reads 0, as in k6's final check: its `count==0` holds, its `p(95)<100` holds, and a
 * `rate>0.99` on a Rate that never got a sample fails (reconnect-storm's storm must happen).
 */
export function checkThreshold(
  expression: string,
  valueOf: (aggregation: string) => number,
): { ok: boolean; actual: number } {
  const t = parseThreshold(expression);
  const actual = valueOf(t.aggregation);
  return { ok: compare(Number.isNaN(actual) ? 0 : actual, t.operator, t.value), actual };
}

function compare(a: number, operator: ThresholdOperator, b: number): boolean {
  switch (operator) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '==':
    case '===':
      return a === b;
    case '!=':
      return a !== b;
  }
}

/** The percentile N of `p(N)`, or null for another aggregation. */
export function percentileOf(aggregation: string): number | null {
  const m = /^p\((\d+(?:\.\d+)?)\)$/.exec(aggregation);
  return m ? Number(m[1]) : null;
}
