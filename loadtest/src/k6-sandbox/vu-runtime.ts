import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { createK6Console, type K6Logger } from './console.js';
import { EventLoop, type LoopEnd } from './event-loop.js';
import { createExecutionModule, type TestState, type VuCounters } from './execution.js';
import { createHttpModule } from './http.js';
import { createK6Module } from './k6-module.js';
import { createMetricsModule } from './metrics-module.js';
import type { MetricRegistry, Tags } from './metrics.js';
import { K6_VERSIONS, type K6Api } from './k6-api.js';
import type { ModuleHost } from './module-host.js';
import { createRealm, type Realm } from './realm.js';
import { createK6Timers } from './timers.js';
import { createWebSocketClass } from './websocket.js';

/**
 * One k6 VU: its own JavaScript realm (a vm context, as each k6 VU is its own runtime) holding
 * the bundle as an ES module, evaluated once per VU (the init context), whose default export
 * then runs iteration after iteration. The realm's globals are k6's and nothing of Node's: no
 * Buffer, process, require, TextEncoder/TextDecoder, URL, fetch, performance or structuredClone
 * (a fresh V8 context has none of them), and none of V8's built-ins that sobek, k6's JavaScript
 * engine, lacks (ENGINE_GLOBALS_SOBEK_LACKS); `import`s of k6's modules are served as synthetic
 * modules backed by real sockets and the test's metrics.
 */

export interface Bundle {
  path: string;
  source: string;
}

export interface VuRuntimeOptions {
  /** exec.vu.idInTest; 0 for the VU that reads the options and runs handleSummary. */
  id: number;
  bundle: Bundle;
  env: Readonly<Record<string, string>>;
  api: K6Api;
  registry: MetricRegistry;
  test: TestState;
  logger: K6Logger;
}

export interface IterationResult {
  end: LoopEnd;
  durationMs: number;
}

type Phase = 'init' | 'iteration' | 'idle' | 'summary';

/**
 * Globals a fresh V8 context has and sobek has not (its global object: grafana/sobek
 * builtin_global.go; no Intl, WeakRef, FinalizationRegistry, SharedArrayBuffer, Atomics or
 * WebAssembly). They are deleted from every VU's realm, so a bundle that uses one fails here as
 * it would in k6. (The later methods sobek has, Array.prototype.at or the Error `cause` option,
 * stay: loadtest/k6/tsconfig.json pins lib ES2020, and lib/k6-globals.d.ts declares those.)
 */
const ENGINE_GLOBALS_SOBEK_LACKS = [
  'Intl',
  'WeakRef',
  'FinalizationRegistry',
  'SharedArrayBuffer',
  'Atomics',
  'WebAssembly',
] as const;

/** k6's modules, by the specifier a bundle imports. */
const K6_MODULES = [
  'k6',
  'k6/metrics',
  'k6/http',
  'k6/execution',
  'k6/timers',
  'k6/websockets',
  'k6/experimental/websockets',
] as const;
type K6ModuleName = (typeof K6_MODULES)[number];

export class VuRuntime {
  readonly id: number;
  readonly realm: Realm;
  readonly counters: VuCounters;
  readonly #options: VuRuntimeOptions;
  readonly #host: ModuleHost;
  #phase: Phase = 'init';
  #loop: EventLoop | null = null;
  #namespace: Record<string, unknown> = {};
  #hasWarnedExperimental = false;

  /** A VU whose code has not run yet: `init` runs its init context. */
  constructor(options: VuRuntimeOptions) {
    this.id = options.id;
    this.#options = options;
    this.counters = { idInTest: options.id, iterations: 0, iterationInTest: 0 };
    const context = vm.createContext(
      {},
      { name: `k6 VU ${options.id}`, codeGeneration: { strings: true, wasm: false } },
    );
    vm.runInContext(
      ENGINE_GLOBALS_SOBEK_LACKS.map((name) => `delete globalThis.${name};`).join('\n'),
      context,
    );
    this.realm = createRealm(context);
    this.#host = this.#createHost();
    this.#installGlobals();
  }

  /** The bundle's exports (options, default, handleSummary...). */
  get exports(): Readonly<Record<string, unknown>> {
    return this.#namespace;
  }

  /** Runs the exported function `name` as one iteration, to the end of its event loop. */
  async runIteration(name: string): Promise<IterationResult> {
    const fn = this.#namespace[name];
    this.counters.iterations++;
    this.counters.iterationInTest = this.#options.test.iterationsStarted++;
    const startedMs = Date.now();
    const end = await this.#runOnLoop('iteration', () => {
      if (typeof fn !== 'function') throw new Error(`the script exports no function "${name}"`);
      return fn.call(undefined, undefined);
    });
    return { end, durationMs: Date.now() - startedMs };
  }

  /** Stops the running iteration, if any: its sockets close, its timers stop, nothing more runs. */
  interrupt(why: string): void {
    if (this.#phase === 'iteration') this.#loop?.interrupt(why);
  }

  /** An uncaught error that belongs to this VU (an unhandled promise rejection of its realm). */
  fail(error: unknown): void {
    this.#loop?.fail(error);
  }

  /** Calls handleSummary(data) and waits for its result (it may return a promise). */
  async callHandleSummary(data: unknown): Promise<unknown> {
    const fn = this.#namespace['handleSummary'];
    if (typeof fn !== 'function') return undefined;
    let result: unknown;
    const end = await this.#runOnLoop('summary', () => (result = fn.call(undefined, data)));
    if (end.kind === 'failed') throw end.error;
    return await result;
  }

  /**
   * Runs the init context: the bundle's top level, and any timer it starts. Throws what the
   * init context threw (or left unhandled: `fail`).
   */
  async init(): Promise<void> {
    const { bundle } = this.#options;
    const module = new vm.SourceTextModule(bundle.source, {
      context: this.realm.context,
      identifier: pathToFileURL(bundle.path).href,
      initializeImportMeta: (meta) => {
        meta.url = pathToFileURL(bundle.path).href;
      },
    });
    const end = await this.#runOnLoop('init', () =>
      module.link((specifier) => this.#syntheticModule(specifier)).then(() => module.evaluate()),
    );
    if (end.kind === 'failed') throw end.error;
    this.#namespace = module.namespace as Record<string, unknown>;
  }

  /**
   * Runs `start` (the VU's code: the init context, an iteration, handleSummary) on a fresh event
   * loop in `phase`, until the loop ends: its result settled and nothing holds the loop.
   */
  async #runOnLoop(phase: Phase, start: () => unknown): Promise<LoopEnd> {
    const loop = new EventLoop();
    this.#loop = loop;
    this.#phase = phase;
    try {
      loop.returned(start());
    } catch (error) {
      loop.fail(error);
    }
    const end = await loop.ended;
    this.#loop = null;
    this.#phase = 'idle';
    return end;
  }

  #syntheticModule(specifier: string): vm.SyntheticModule {
    const name = K6_MODULES.find((m) => m === specifier);
    if (name === undefined)
      throw new Error(
        `the k6 sandbox serves k6's own modules only, and no "${specifier}": a k6 bundle must hold everything else`,
      );
    if (name === 'k6/websockets' && this.#options.api === 'legacy')
      throw new Error(
        `k6 before ${K6_VERSIONS.stableWebSockets} has no module "k6/websockets": build with \`npm run build:k6 -- --experimental-websockets\``,
      );
    if (name === 'k6/experimental/websockets' && this.#options.api === 'current')
      this.#warnExperimental();
    const exports = this.#moduleExports(name);
    const defaultExport = this.realm.object(exports);
    return new vm.SyntheticModule(
      [...Object.keys(exports), 'default'],
      function (this: vm.SyntheticModule) {
        for (const [key, value] of Object.entries(exports)) this.setExport(key, value);
        this.setExport('default', defaultExport);
      },
      { context: this.realm.context, identifier: specifier },
    );
  }

  #moduleExports(name: K6ModuleName): Record<string, unknown> {
    const host = this.#host;
    const { registry, test } = this.#options;
    switch (name) {
      case 'k6':
        return createK6Module(host);
      case 'k6/metrics':
        return createMetricsModule(host, registry);
      case 'k6/http':
        return createHttpModule(host);
      case 'k6/execution':
        return createExecutionModule(host, test, this.counters);
      case 'k6/timers':
        return { ...this.#timers };
      case 'k6/websockets':
      case 'k6/experimental/websockets':
        return { WebSocket: createWebSocketClass(host) };
    }
  }

  #warnExperimental(): void {
    if (this.#hasWarnedExperimental || this.id > 1) return;
    this.#hasWarnedExperimental = true;
    this.#options.logger.log(
      'warn',
      `k6/experimental/websockets is deprecated: since k6 ${K6_VERSIONS.stableWebSockets} the module is k6/websockets`,
    );
  }

  readonly #timers = createK6Timers(() => this.#currentLoop());

  #currentLoop(): EventLoop {
    if (this.#loop === null) throw this.realm.error('no event loop: the VU is not running code');
    return this.#loop;
  }

  #createHost(): ModuleHost {
    const { registry, test, logger, api } = this.#options;
    const systemTags = (): Tags => ({ scenario: test.scenarioName });
    return {
      vuId: this.id,
      realm: this.realm,
      api,
      logger,
      iterationLoop: (what) => {
        if (this.#phase !== 'iteration' || this.#loop === null)
          throw this.realm.error(`using ${what} in the init context is not supported`);
        return this.#loop;
      },
      isInInitContext: () => this.#phase === 'init',
      systemTags,
      emit: (metricName, value, tags) => {
        const metric = registry.get(metricName);
        if (metric !== undefined) registry.add(metric, value, tags ?? systemTags());
      },
      wouldHang: (message) => {
        test.fail(`VU ${this.id}: ${message}`);
        return this.realm.error(message);
      },
    };
  }

  /** k6's globals: __ENV, __VU, __ITER, console and (k6 since v0.5x) the timers. */
  #installGlobals(): void {
    const global = vm.runInContext('globalThis', this.realm.context) as Record<string, unknown>;
    const env = this.realm.object({ ...this.#options.env });
    const counters = this.counters;
    Object.defineProperties(global, {
      __ENV: { value: env, writable: true, configurable: true },
      __VU: { get: () => counters.idInTest, configurable: true },
      __ITER: { get: () => Math.max(0, counters.iterations - 1), configurable: true },
      console: {
        value: this.realm.object(createK6Console(this.#options.logger)),
        writable: true,
        configurable: true,
      },
    });
    if (this.#options.api === 'current') Object.assign(global, this.#timers);
  }
}
