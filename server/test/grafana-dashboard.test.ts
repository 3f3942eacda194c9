import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startServer } from './support/server-process.js';

// ops/grafana/tickwire-dashboard.json is imported by hand into Grafana, so nothing else would
// notice a panel that queries a metric the server no longer exports (it just shows "No data").
// This test keeps it honest: the JSON is importable, every query filters by the dashboard's
// variables, and every metric it names is one the real server's GET /metrics declares.

const DASHBOARD_PATH = new URL('../../ops/grafana/tickwire-dashboard.json', import.meta.url);
const DATASOURCE_UID = '${DS_PROMETHEUS}';
const GRID_WIDTH = 24;
/** A metric name in a PromQL expression (prom-client's default metrics are process_/nodejs_). */
const METRIC_NAME = /\b(?:tickwire|process|nodejs)_[a-z0-9_]+/g;
/** A metric name and its label selector, if any. */
const METRIC_SELECTOR = /\b((?:tickwire|process|nodejs)_[a-z0-9_]+)(\{[^}]*\})?/g;

interface DataSourceRef {
  type?: string;
  uid?: string;
}

interface Target {
  datasource?: DataSourceRef;
  expr?: string;
  refId?: string;
}

interface Panel {
  id?: number;
  type?: string;
  title?: string;
  description?: string;
  datasource?: DataSourceRef;
  gridPos?: { h?: number; w?: number; x?: number; y?: number };
  collapsed?: boolean;
  panels?: Panel[];
  targets?: Target[];
  fieldConfig?: { defaults?: { unit?: string } };
}

interface Variable {
  name?: string;
  type?: string;
  datasource?: DataSourceRef;
  definition?: string;
  query?: string | { query?: string };
  multi?: boolean;
  includeAll?: boolean;
}

interface Dashboard {
  __inputs?: { name?: string; type?: string; pluginId?: string }[];
  __requires?: { type?: string; id?: string }[];
  title?: string;
  uid?: string;
  schemaVersion?: number;
  panels?: Panel[];
  templating?: { list?: Variable[] };
}

const dashboard = JSON.parse(readFileSync(DASHBOARD_PATH, 'utf8')) as Dashboard;

/** Every panel, the ones inside collapsed rows too. */
function allPanels(panels: Panel[] = dashboard.panels ?? []): Panel[] {
  return panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])]);
}

/** Panels that query Prometheus (rows and text panels do not). */
function queryPanels(): Panel[] {
  return allPanels().filter((panel) => panel.type !== 'row');
}

function variables(): Variable[] {
  return dashboard.templating?.list ?? [];
}

function variableQuery(variable: Variable): string {
  const { query } = variable;
  return typeof query === 'string' ? query : (query?.query ?? '');
}

/** Every PromQL expression, labelled with where it is (for failure messages). */
function expressions(): { where: string; expr: string; inPanel: boolean }[] {
  const inPanels = queryPanels().flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({
      where: `panel "${panel.title}" target ${target.refId}`,
      expr: target.expr ?? '',
      inPanel: true,
    })),
  );
  const inVariables = variables().flatMap((variable) =>
    [variable.definition ?? '', variableQuery(variable)].map((expr) => ({
      where: `variable "${variable.name}"`,
      expr,
      inPanel: false,
    })),
  );
  return [...inPanels, ...inVariables];
}

/** Metric names as written in the queries (histogram series keep their _bucket/_sum suffix). */
function metricNamesUsed(): string[] {
  return [...new Set(expressions().flatMap(({ expr }) => expr.match(METRIC_NAME) ?? []))].sort();
}

/** The metrics a Prometheus text exposition declares: name -> type, from its `# TYPE` lines. */
function declaredTypes(exposition: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const match of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    types.set(match[1] as string, match[2] as string);
  }
  return types;
}

/**
 * Whether a name used in a query is exported: declared itself, or a histogram's (or summary's)
 * series: name_bucket of a histogram, name_sum or name_count of either.
 */
function isExported(name: string, types: Map<string, string>): boolean {
  if (types.has(name)) return true;
  const series = /^(.+)_(bucket|sum|count)$/.exec(name);
  if (!series) return false;
  const baseType = types.get(series[1] as string);
  return series[2] === 'bucket'
    ? baseType === 'histogram'
    : baseType === 'histogram' || baseType === 'summary';
}

/** Metric families whose samples carry a `game` label in the exposition. */
function metricsWithGameLabel(exposition: string, types: Map<string, string>): Set<string> {
  const names = new Set<string>();
  for (const match of exposition.matchAll(/^([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/gm)) {
    if (!/(?:^|,)game="/.test(match[2] as string)) continue;
    const sample = match[1] as string;
    const family = types.has(sample) ? sample : sample.replace(/_(bucket|sum|count)$/, '');
    names.add(family);
  }
  return names;
}

describe('Grafana dashboard (ops/grafana/tickwire-dashboard.json)', () => {
  it('is a dashboard Grafana can import, with a Prometheus datasource input', () => {
    expect(dashboard.title).toBeTruthy();
    expect(dashboard.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/);
    expect(dashboard.schemaVersion).toBe(39);
    expect(dashboard.__inputs).toContainEqual(
      expect.objectContaining({
        name: 'DS_PROMETHEUS',
        type: 'datasource',
        pluginId: 'prometheus',
      }),
    );
    const panels = allPanels();
    expect(panels.length).toBeGreaterThan(0);

    const ids = panels.map((panel) => panel.id);
    for (const id of ids) expect(Number.isInteger(id), `panel id ${id}`).toBe(true);
    expect(new Set(ids).size, 'panel ids are unique').toBe(ids.length);

    const required = new Set((dashboard.__requires ?? []).map((r) => `${r.type}:${r.id}`));
    for (const panel of panels) {
      const { h, w, x, y } = panel.gridPos ?? {};
      for (const [key, value] of Object.entries({ h, w, x, y })) {
        expect(Number.isInteger(value), `"${panel.title}" gridPos.${key}`).toBe(true);
      }
      expect((x as number) + (w as number), `"${panel.title}" fits the grid`).toBeLessThanOrEqual(
        GRID_WIDTH,
      );
      if (panel.type !== 'row') {
        expect(required, `__requires lists panel type ${panel.type}`).toContain(
          `panel:${panel.type}`,
        );
      }
    }
  });

  it('lays out its panels without overlaps', () => {
    // Panels at the top level are on the grid; those inside a collapsed row are not until it opens.
    const onGrid = (dashboard.panels ?? []).map((panel) => ({
      title: panel.title,
      ...(panel.gridPos as Required<NonNullable<Panel['gridPos']>>),
    }));
    for (const [i, a] of onGrid.entries()) {
      for (const b of onGrid.slice(i + 1)) {
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect(overlap, `"${a.title}" overlaps "${b.title}"`).toBe(false);
      }
    }
  });

  it('queries the imported Prometheus datasource from every panel, target and variable', () => {
    for (const panel of queryPanels()) {
      expect(panel.datasource?.uid, `panel "${panel.title}"`).toBe(DATASOURCE_UID);
      const targets = panel.targets ?? [];
      expect(targets.length, `panel "${panel.title}" has queries`).toBeGreaterThan(0);
      const refIds = targets.map((target) => target.refId);
      expect(new Set(refIds).size, `panel "${panel.title}" refIds are unique`).toBe(refIds.length);
      for (const target of targets) {
        const where = `panel "${panel.title}" target ${target.refId}`;
        expect(target.refId, where).toMatch(/^[A-Z]+$/);
        expect(target.expr?.trim(), where).toBeTruthy();
        expect(target.datasource?.uid, where).toBe(DATASOURCE_UID);
      }
    }
    for (const variable of variables().filter((v) => v.type === 'query')) {
      expect(variable.datasource?.uid, `variable "${variable.name}"`).toBe(DATASOURCE_UID);
    }
  });

  it('has the instance and game variables, and says what each panel shows, in what unit', () => {
    const byName = new Map(variables().map((variable) => [variable.name, variable]));
    const instance = byName.get('instance');
    expect(instance && variableQuery(instance)).toBe('label_values(tickwire_build_info, instance)');
    expect(instance).toMatchObject({ type: 'query', multi: true, includeAll: true });
    const game = byName.get('game');
    expect(game && variableQuery(game)).toMatch(/^label_values\(tickwire_players\b.*, game\)$/);
    for (const panel of queryPanels()) {
      expect(panel.description?.trim(), `panel "${panel.title}" description`).toBeTruthy();
      expect(panel.fieldConfig?.defaults?.unit, `panel "${panel.title}" unit`).toBeTruthy();
    }
  });

  it('filters every series in every panel by the instance variable', () => {
    for (const { where, expr } of expressions().filter((e) => e.inPanel)) {
      for (const [, name, selector] of expr.matchAll(METRIC_SELECTOR)) {
        expect(selector ?? '', `${where}: ${name}`).toContain('instance=~"$instance"');
      }
    }
  });

  it('finds the metric names in its queries', () => {
    // The extraction the next test relies on: a regression here would make it pass vacuously.
    const names = metricNamesUsed();
    expect(names).toContain('tickwire_tick_duration_seconds_bucket');
    expect(names).toContain('tickwire_build_info');
    expect(names).toContain('process_resident_memory_bytes');
    expect(names).toContain('nodejs_gc_duration_seconds_sum');
  });

  it('queries only metrics that the real server declares in GET /metrics, by their labels', async () => {
    const server = await startServer({ args: ['--static', ''] });
    let exposition: string;
    let contentType: string | null;
    try {
      const response = await fetch(`${server.url}/metrics`);
      expect(response.status).toBe(200);
      contentType = response.headers.get('content-type');
      exposition = await response.text();
    } finally {
      await server.stop();
    }
    expect(contentType).toMatch(/^text\/plain/);

    const types = declaredTypes(exposition);
    const missing = metricNamesUsed().filter((name) => !isExported(name, types));
    expect(missing, 'metrics the dashboard queries but the server does not declare').toEqual([]);

    // Room-level series carry a game label: the dashboard must filter them by $game too.
    const perGame = metricsWithGameLabel(exposition, types);
    expect(perGame, 'the room exports per-game series').toContain('tickwire_players');
    for (const { where, expr } of expressions().filter((e) => e.inPanel)) {
      for (const [, name, selector] of expr.matchAll(METRIC_SELECTOR)) {
        const family = types.has(name as string)
          ? (name as string)
          : (name as string).replace(/_(bucket|sum|count)$/, '');
        if (!perGame.has(family)) continue;
        expect(selector ?? '', `${where}: ${name}`).toContain('game=~"$game"');
      }
    }
  });
});
