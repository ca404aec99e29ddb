/**
 * The applications of every account and region: kept in memory, persisted in the metadata store on
 * every change (so they survive a restart), and run by ApplicationRunners. Changes to one application
 * are serialized by a per-application lock; version ids give callers optimistic concurrency.
 *
 * Status machine (AWS's): READY -Start-> STARTING -> RUNNING -Stop-> STOPPING -> READY;
 * a configuration change while RUNNING passes through UPDATING (the runner restarts on the new
 * configuration at LAST_STOPPED_POINT); Delete passes through DELETING. Applications that were running
 * when the server stopped start again, at LAST_STOPPED_POINT, when it opens.
 */
import { constants } from "node:fs";
import { access } from "node:fs/promises";
import type { Clock } from "../../core/clock.js";
import { isAwsError } from "../../core/errors.js";
import type { Logger } from "../../core/log.js";
import { KeyedMutex } from "../../kinesis/engine/keyed-mutex.js";
import type { Streams } from "../../kinesis/engine/mod.js";
import { StreamsError } from "../../kinesis/engine/errors.js";
import { METADATA_COLLECTIONS } from "../../storage/metadata-collections.js";
import type { MetadataStore } from "../../storage/types.js";
import { ApplicationRunner, ApplicationStartError } from "../runtime/application-runner.js";
import { loadReferenceTable, ReferenceDataError } from "../runtime/reference-data.js";
import type { InputPositions, StartingPosition } from "../runtime/run-spec.js";
import type { StoredApplication } from "./application-model.js";
import { checkOutputsDefined } from "./config-rules.js";
import { concurrentModification, invalidApplicationConfiguration, resourceInUse, resourceNotFound } from "./errors.js";
import type { ApplicationStatus } from "./generated/types.js";
import { buildRunSpec } from "./run-spec-builder.js";

export interface ApplicationsDeps {
  metadata: MetadataStore;
  streams: Streams;
  clock: Clock;
  logger: Logger;
  /** Root of `<dataDir>/s3/<bucket>/<key>` reference data. */
  dataDir: string;
}

const APPS = METADATA_COLLECTIONS.analyticsApplications;
const POSITIONS = METADATA_COLLECTIONS.analyticsPositions;

export function applicationKey(account: string, region: string, name: string): string {
  return `${account}/${region}/${name}`;
}

export class Applications {
  private readonly apps = new Map<string, StoredApplication>();
  private readonly runners = new Map<string, ApplicationRunner>();
  private readonly mutex = new KeyedMutex();
  /** Background transitions (start, stop, delete), awaited by close(). */
  private readonly transitions = new Set<Promise<void>>();
  private closed = false;

  private constructor(private readonly deps: ApplicationsDeps) {}

  static async open(deps: ApplicationsDeps): Promise<Applications> {
    const applications = new Applications(deps);
    await applications.load();
    return applications;
  }

  private async load(): Promise<void> {
    for (const entry of await this.deps.metadata.list<StoredApplication>(APPS)) this.apps.set(entry.key, entry.value);
    for (const [key, app] of this.apps) {
      if (app.status === "DELETING") this.background(key, () => this.finishDelete(key));
      else if (app.status === "STOPPING") await this.setStatus(app, "READY");
      else if (app.status === "RUNNING" || app.status === "STARTING" || app.status === "UPDATING") {
        // Running when the server stopped: resume where it stopped reading.
        this.background(key, () => this.run(key, "LAST_STOPPED_POINT"));
      }
    }
  }

  /** Stops every runner, saving positions; applications stay RUNNING in the store so the next open resumes them. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.transitions]);
    await Promise.allSettled([...this.runners.entries()].map(([key, runner]) => this.mutex.run(key, () => runner.stop())));
    this.runners.clear();
  }

  // ---------------------------------------------------------------- reads

  find(account: string, region: string, name: string): StoredApplication | undefined {
    return this.apps.get(applicationKey(account, region, name));
  }

  /** The application, or ResourceNotFoundException in AWS's words. */
  get(account: string, region: string, name: string): StoredApplication {
    const app = this.find(account, region, name);
    if (!app) throw resourceNotFound(`Application ${name} is not found.`);
    return app;
  }

  list(account: string, region: string): StoredApplication[] {
    return [...this.apps.values()].filter((a) => a.account === account && a.region === region).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  runner(app: StoredApplication): ApplicationRunner | undefined {
    return this.runners.get(applicationKey(app.account, app.region, app.name));
  }

  // ---------------------------------------------------------------- writes

  private async persist(app: StoredApplication): Promise<void> {
    await this.deps.metadata.commit([{ collection: APPS, key: applicationKey(app.account, app.region, app.name), value: app }]);
  }

  private async setStatus(app: StoredApplication, status: ApplicationStatus): Promise<void> {
    app.status = status;
    await this.persist(app);
  }

  private locked<T>(account: string, region: string, name: string, work: () => Promise<T>): Promise<T> {
    return this.mutex.run(applicationKey(account, region, name), work);
  }

  private background(key: string, work: () => Promise<void>): void {
    const task = this.mutex.run(key, work).catch((error: unknown) => {
      this.deps.logger.error("analytics application transition failed", { application: key, error });
    });
    this.transitions.add(task);
    void task.finally(() => this.transitions.delete(task));
  }

  /** Creates an application under the caller's lock; `check` runs once no other change can interleave. */
  async create(app: StoredApplication, check: () => void): Promise<void> {
    await this.locked(app.account, app.region, app.name, async () => {
      check();
      await this.persist(app);
      this.apps.set(applicationKey(app.account, app.region, app.name), app);
    });
  }

  /**
   * Applies a configuration change: checks the version id, mutates a copy, persists it with the next
   * version id. A running application passes through UPDATING and restarts on the new configuration.
   */
  async update(account: string, region: string, name: string, currentVersionId: number, mutate: (draft: StoredApplication) => void): Promise<void> {
    await this.locked(account, region, name, async () => {
      const app = this.get(account, region, name);
      if (app.status !== "READY" && app.status !== "RUNNING") {
        throw resourceInUse(`Application ${name} is not in a state to be updated; its status is ${app.status}.`);
      }
      if (app.versionId !== currentVersionId) {
        throw concurrentModification(
          `Provided application version id (${currentVersionId}) does not match the current application version id (${app.versionId}) of application ${name}.`,
        );
      }
      const draft = structuredClone(app);
      mutate(draft);
      draft.versionId = app.versionId + 1;
      draft.updateMs = this.deps.clock.now();
      const key = applicationKey(account, region, name);
      const wasRunning = app.status === "RUNNING";
      if (wasRunning) draft.status = "UPDATING";
      await this.persist(draft);
      this.apps.set(key, draft);
      if (wasRunning) this.background(key, () => this.restart(key));
    });
  }

  /** Changes that are not configuration (tags): no version id, no status change. */
  async touch(account: string, region: string, name: string, mutate: (app: StoredApplication) => void): Promise<void> {
    await this.locked(account, region, name, async () => {
      const app = this.get(account, region, name);
      const draft = structuredClone(app);
      mutate(draft);
      await this.persist(draft);
      this.apps.set(applicationKey(account, region, name), draft);
    });
  }

  async start(account: string, region: string, name: string, positions: ReadonlyMap<string, StartingPosition>): Promise<void> {
    await this.locked(account, region, name, async () => {
      const app = this.get(account, region, name);
      if (app.status !== "READY") throw resourceInUse(`Application ${name} is not in READY state; its status is ${app.status}.`);
      for (const id of positions.keys()) {
        if (!app.inputs.some((i) => i.id === id)) throw resourceNotFound(`Input id ${id} is not found in application ${name}.`);
      }
      if (app.inputs.length === 0) throw invalidApplicationConfiguration(`Application ${name} has no input configured.`);
      const spec = buildRunSpec(app, this.deps.dataDir);
      checkOutputsDefined(app);
      for (const input of spec.inputs) this.requireStream(input.source, "input");
      for (const output of spec.outputs) this.requireStream(output.destination, "output");
      for (const reference of spec.references) {
        try {
          await access(reference.path, constants.R_OK);
        } catch {
          throw invalidApplicationConfiguration(`Reference data for table ${reference.tableName} cannot be read from ${reference.path}.`);
        }
      }
      const draft = structuredClone(app);
      for (const input of draft.inputs) input.startingPosition = positions.get(input.id) ?? input.startingPosition ?? "NOW";
      draft.status = "STARTING";
      await this.persist(draft);
      const key = applicationKey(account, region, name);
      this.apps.set(key, draft);
      const position = draft.inputs[0]?.startingPosition ?? "NOW";
      this.background(key, () => this.run(key, position));
    });
  }

  private requireStream(ref: { account: string; region: string; streamName: string }, role: string): void {
    const stream = this.deps.streams.control.findStream(ref);
    if (!stream || (stream.meta.status !== "ACTIVE" && stream.meta.status !== "UPDATING")) {
      throw invalidApplicationConfiguration(`The ${role} stream ${ref.streamName} of account ${ref.account} in ${ref.region} does not exist or is not ACTIVE.`);
    }
  }

  async stop(account: string, region: string, name: string): Promise<void> {
    await this.locked(account, region, name, async () => {
      const app = this.get(account, region, name);
      // AWS accepts a stop of an application that is not running and leaves it as it is.
      if (app.status === "READY") return;
      if (app.status !== "RUNNING") throw resourceInUse(`Application ${name} cannot be stopped; its status is ${app.status}.`);
      await this.setStatus(app, "STOPPING");
      const key = applicationKey(account, region, name);
      this.background(key, async () => {
        await this.stopRunner(key);
        const current = this.apps.get(key);
        if (current && current.status === "STOPPING") await this.setStatus(current, "READY");
      });
    });
  }

  async delete(account: string, region: string, name: string, createTimestampMs: number): Promise<void> {
    await this.locked(account, region, name, async () => {
      const app = this.get(account, region, name);
      // AWS compares the given CreateTimestamp with the application's, at second precision (the wire's).
      if (Math.floor(createTimestampMs / 1000) !== Math.floor(app.createMs / 1000)) {
        throw resourceNotFound(`Application ${name} with the given CreateTimestamp is not found.`);
      }
      if (app.status === "DELETING") throw resourceInUse(`Application ${name} is already being deleted.`);
      await this.setStatus(app, "DELETING");
      const key = applicationKey(account, region, name);
      this.background(key, () => this.finishDelete(key));
    });
  }

  // ---------------------------------------------------------------- transitions (under the application's lock)

  private async finishDelete(key: string): Promise<void> {
    await this.stopRunner(key);
    await this.deps.metadata.commit([
      { collection: APPS, key, value: undefined },
      { collection: POSITIONS, key, value: undefined },
    ]);
    this.apps.delete(key);
  }

  private async restart(key: string): Promise<void> {
    await this.stopRunner(key);
    await this.run(key, "LAST_STOPPED_POINT");
  }

  private async stopRunner(key: string): Promise<void> {
    const runner = this.runners.get(key);
    if (!runner) return;
    this.runners.delete(key);
    await runner.stop();
  }

  /** Starts the runner; on success the application is RUNNING, on failure READY again (and the cause logged). */
  private async run(key: string, position: StartingPosition): Promise<void> {
    const app = this.apps.get(key);
    if (!app || this.closed) return;
    try {
      const spec = buildRunSpec(app, this.deps.dataDir);
      const references = await Promise.all(spec.references.map((r) => loadReferenceTable(r)));
      const saved = (await this.deps.metadata.get<InputPositions>(POSITIONS, key))?.value;
      let started: ApplicationRunner | undefined;
      const runner = await ApplicationRunner.start(
        { streams: this.deps.streams, clock: this.deps.clock, logger: this.deps.logger },
        {
          spec,
          references,
          position,
          saved,
          savePositions: async (positions) => {
            await this.deps.metadata.commit([{ collection: POSITIONS, key, value: positions }]);
          },
          onFailure: (message) => {
            if (started) this.background(key, () => this.failed(key, started!, message));
          },
        },
      );
      started = runner;
      this.runners.set(key, runner);
      await this.setStatus(app, "RUNNING");
      this.deps.logger.info("analytics application running", { application: key, position });
    } catch (error) {
      const expected = error instanceof ApplicationStartError || error instanceof ReferenceDataError || error instanceof StreamsError || isAwsError(error);
      this.deps.logger.error("analytics application failed to start", { application: key, error: expected ? (error as Error).message : error });
      await this.setStatus(app, "READY");
    }
  }

  private async failed(key: string, runner: ApplicationRunner, message: string): Promise<void> {
    if (this.runners.get(key) !== runner) return;
    this.runners.delete(key);
    await runner.stop().catch(() => undefined);
    const app = this.apps.get(key);
    if (app) await this.setStatus(app, "READY");
    this.deps.logger.error("analytics application stopped after a failure", { application: key, message });
  }
}
